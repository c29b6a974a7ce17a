/**
 * Protocol benchmark: a built-in upstream service of N updates (default 100,000) in its own process, and the
 * client listing and fetching + parsing all of it, as a first full synchronization would.
 * Usage: npm run bench -- upstream [--updates N] [--concurrency C]
 */
import { parseArgs } from 'node:util';
import { UpstreamClient } from '../../electron/engine/upstream/client/upstream-client';
import { PRODUCTS } from '../../electron/engine/upstream/service/catalog-data';
import { CLASSIFICATIONS } from '../../electron/engine/upstream/soap/protocol-names';
import { fmt, memorySampler, printTable, startUscProcess, timed } from './bench-kit';

const { values } = parseArgs({ options: { updates: { type: 'string', default: '100000' }, concurrency: { type: 'string', default: '4' } } });
const updates = Number(values.updates);

async function main(): Promise<void> {
  const startedService = performance.now();
  const service = startUscProcess(['upstream', '--port', '0', '--updates', String(updates), '--seed', '1']);
  const url = await service.firstLine;
  const serviceReadyMs = performance.now() - startedService;
  const memory = memorySampler();
  const client = new UpstreamClient({ baseUrl: url, concurrency: Number(values.concurrency) });
  try {
    const auth = await timed(() => client.getConfigData());
    const categories = await timed(() => client.getCategoryRevisions());
    const list = await timed(() =>
      client.getUpdateRevisions({
        products: PRODUCTS.map((product) => ({ id: product.id, delta: false })),
        classifications: CLASSIFICATIONS.map((classification) => ({ id: classification.id, delta: false })),
      }),
    );
    let parsed = 0;
    let failures = 0;
    let xmlChars = 0;
    let compressed = 0;
    const fetch = await timed(() =>
      client.fetchMetadata(list.value.revisions, (batch) => {
        parsed += batch.revisions.length;
        failures += batch.failures.length;
        xmlChars += batch.xmlBytes;
        compressed += batch.compressed;
      }),
    );
    const peak = memory.peak();
    printTable(`Upstream protocol benchmark: ${fmt.int(updates)} updates, concurrency ${values.concurrency}`, [
      ['service start (generate catalog)', fmt.ms(serviceReadyMs)],
      ['auth + GetConfigData', fmt.ms(auth.ms)],
      ['category list', `${fmt.ms(categories.ms)} (${categories.value.revisions.length} categories)`],
      ['update list (GetRevisionIdList)', `${fmt.ms(list.ms)} (${fmt.int(list.value.revisions.length)} revisions incl. bundled)`],
      ['metadata fetch + parse', fmt.ms(fetch.ms)],
      ['  throughput', `${fmt.int((parsed / fetch.ms) * 1000)} updates/s, ${(xmlChars / 2 ** 20 / (fetch.ms / 1000)).toFixed(1)} MB/s of metadata XML`],
      ['  parsed / failed / compressed', `${fmt.int(parsed)} / ${failures} / ${fmt.int(compressed)}`],
      ['  GetUpdateData requests', fmt.int(client.stats.requests)],
      ['peak client memory (RSS / heap+buffers)', `${fmt.mib(peak.rssMiB)} / ${fmt.mib(peak.heapMiB)}`],
    ]);
  } finally {
    memory.stop();
    await client.close();
    service.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
