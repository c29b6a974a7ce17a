/**
 * A real SMTP server (smtp-server, from the nodemailer project) on 127.0.0.1 for the notification tests: STARTTLS
 * with a certificate of the test's own CA, and a login; each mail received is parsed (mailparser).
 */
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import type { AddressInfo } from 'node:net';

export interface MailServer {
  port: number;
  received: ParsedMail[];
  /** Envelope recipients of each mail, in order. */
  envelopes: string[][];
  close(): Promise<void>;
}

/** With a certificate and a login: STARTTLS, then AUTH, required. Without: a plain relay that takes any mail. */
export async function startMailServer(options: { key: string; cert: string; user: string; password: string } | { plain: true }): Promise<MailServer> {
  const received: ParsedMail[] = [];
  const envelopes: string[][] = [];
  const secured: SMTPServerOptions =
    'plain' in options
      ? { disabledCommands: ['STARTTLS', 'AUTH'], authOptional: true }
      : {
          key: options.key,
          cert: options.cert,
          // AUTH only after STARTTLS (the default), and required.
          authOptional: false,
          onAuth(auth, _session, callback) {
            if (auth.username === options.user && auth.password === options.password) callback(null, { user: options.user });
            else callback(Object.assign(new Error('Authentication credentials invalid'), { responseCode: 535 }));
          },
        };
  const server = new SMTPServer({
    ...secured,
    logger: false,
    onData(stream, session, callback) {
      envelopes.push(session.envelope.rcptTo.map((address) => address.address));
      simpleParser(stream)
        .then((mail) => {
          received.push(mail);
          callback();
        })
        .catch((error: Error) => callback(error));
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return { port, received, envelopes, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
