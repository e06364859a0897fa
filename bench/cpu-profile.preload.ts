// Preloaded into a service process by bench/http-ingestion.bench.ts --cpu-prof (Node 20 refuses
// --cpu-prof in NODE_OPTIONS): profiles the whole process and writes a V8 CPU profile
// (<dir>/<pid>.cpuprofile, for Chrome DevTools) when it is told to stop.
import { Session } from 'node:inspector';
import { writeFileSync } from 'node:fs';
import path from 'node:path';

const dir = process.env.CPU_PROFILE_DIR;
if (dir) {
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 500 });
  session.post('Profiler.start');
  const write = () => {
    process.removeListener('SIGTERM', write);
    // A session in the same thread answers synchronously, so this works in signal and exit handlers.
    session.post('Profiler.stop', (error, result) => {
      if (!error) writeFileSync(path.join(dir, `${process.pid}.cpuprofile`), JSON.stringify(result.profile));
    });
  };
  // Before the service's own shutdown hook, which re-raises the signal once it has closed.
  process.on('SIGTERM', write);
}
