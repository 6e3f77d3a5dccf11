/** The processor facts front ends show (status, model installs), formatted one way everywhere. */
export { describeFlags } from '../models/cpu-features.ts';
