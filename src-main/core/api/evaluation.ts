/**
 * The evaluation engine (core/eval) for the front ends: `photo-search eval` measures
 * the active model on a labelled folder without adding it to the library.
 */
export { evaluateFolder, SHOTS, DEFAULT_SEEDS, type EvalOptions, type EvalReport, type FewShotResult } from '../eval/evaluate.ts';
