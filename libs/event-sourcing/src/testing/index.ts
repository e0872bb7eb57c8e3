export { deciderSpec, type DeciderGiven, type DeciderWhen } from './decider-spec';
