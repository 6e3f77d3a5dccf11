/**
 * A child process that decodes one photo for decode-probe.ts and reports how it went.
 * It says it is ready once its modules are loaded, then takes one job: a native
 * crash while decoding ends this process and nothing else.
 */
import { answerProbe, type ProbeAnswer, type ProbeJob } from './decode-probe.ts';

const send = (message: ProbeAnswer, then?: () => void) => process.send?.(message, undefined, undefined, then);

process.once('message', (job: ProbeJob) => {
  void answerProbe(job).then((answer) => send(answer, () => process.disconnect()));
});
send({ ready: true });
