/**
 * Entry of the utility process that decodes one suspect photo (decode-probe-process.ts):
 * it says it is ready, takes one job, answers and ends. A native crash while decoding
 * ends this process only.
 */
import { answerProbe, type ProbeJob } from '../core/api/decode-probe.ts';

const port = process.parentPort;
port.once('message', ({ data }: { data: ProbeJob }) => {
  void answerProbe(data).then((answer) => {
    port.postMessage(answer);
    process.exit(0);
  });
});
port.postMessage({ ready: true });
