/** The site's wsyncmgr.log as the log pane reads it back when it opens (live lines come as events). */
import { readTraceLogTail } from '../log/log-tail';
import type { EngineContext, EngineHandlers } from './engine-context';

export function logHandlers(engine: EngineContext): Pick<EngineHandlers, 'readLogTail'> {
  return {
    readLogTail: ({ site, maxLines }) => {
      engine.sites.get(site);
      const log = engine.logFor(site);
      // Lines still waiting in the writer's batch are written first, so the tail and the live events meet.
      log.flush();
      return { file: log.file, ...readTraceLogTail(log.file, maxLines) };
    },
  };
}
