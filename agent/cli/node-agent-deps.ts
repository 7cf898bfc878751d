// The GitOps agent's dependencies on node: git through the `git` program run by the Host (the
// same client as under QuickJS: exec-git.ts), HTTP through undici, the
// backend chosen for the machine, node-cron and process signals for `run`, and the argv that
// starts this same program again (for the out-of-process rollback timer).
import cron from 'node-cron';
import { selectBackend } from '../backend/select-backend.ts';
import type { AgentDeps, DaemonRuntime } from '../gitops/agent-deps.ts';
import { createExecGit } from '../host/exec-git.ts';
import type { Host } from '../host/host.ts';
import { createNodeHttp } from '../host/node-http.ts';

export function createNodeDaemonRuntime(): DaemonRuntime {
  return {
    schedule(expression, tick) {
      const task = cron.schedule(expression, () => tick(), { noOverlap: true });
      return {
        stop: () => void task.stop(),
        nextRun: () => task.getNextRun()?.getTime() ?? null,
      };
    },
    onSignal(signal, handler) {
      process.on(signal, handler);
    },
    delay(ms) {
      let timer: NodeJS.Timeout | undefined;
      let finish: () => void = () => {};
      const done = new Promise<void>((resolve) => {
        finish = resolve;
        timer = setTimeout(resolve, ms);
      });
      return {
        done,
        cancel() {
          clearTimeout(timer);
          finish();
        },
      };
    },
  };
}

export function createNodeAgentDeps(host: Host): AgentDeps {
  return {
    git: createExecGit(host),
    http: createNodeHttp(),
    // execArgv keeps loaders such as `--import tsx` when running from source.
    selfArgv: [process.execPath, ...process.execArgv, process.argv[1]!],
    selectBackend: (host, root, netns) => selectBackend(host, root, undefined, netns),
    daemon: createNodeDaemonRuntime(),
    random: Math.random,
  };
}
