/** `usc doctor`: the pre-flight check of a site, as a table for people or JSON for scripts. */
import { callApi, withHost, type CliContext } from '../cli-context';
import { formatTable } from '../format-table';

export async function doctorCommand(context: CliContext, options: { site: string; json: boolean }): Promise<number> {
  const report = await withHost(context, (host) => callApi(host, 'runPreflight', { site: options.site }));
  if (options.json) {
    context.io.out(JSON.stringify(report));
  } else {
    context.io.out(`Pre-flight check of ${report.site}: ${report.ok ? 'every check passed' : 'some checks failed'}`);
    context.io.out(
      formatTable(
        ['Check', 'Result', 'Time', 'Detail'],
        report.checks.map((check) => [check.name, check.ok ? 'pass' : 'FAIL', `${check.ms} ms`, check.detail]),
      ),
    );
    for (const check of report.checks) if (check.hint !== null) context.io.out(`${check.name}: ${check.hint}`);
  }
  return report.ok ? 0 : 1;
}
