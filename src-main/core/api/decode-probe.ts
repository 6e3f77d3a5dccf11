/**
 * Decoding a suspect photo in a process of its own (core/indexer/decode-probe.ts),
 * for the desktop shell, which starts that process as an Electron utility process.
 */
export {
  PROBE_TIMEOUT_MS,
  answerProbe,
  probeIn,
  type DecodeProbe,
  type ProbeAnswer,
  type ProbeJob,
  type ProbeProcess,
  type ProbeVerdict,
} from '../indexer/decode-probe.ts';
