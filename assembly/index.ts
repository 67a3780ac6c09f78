// The module's exports: lay out one search (`allocate`), find where each array lives
// (`slotOffset`), then `run`. Status codes and slot numbers are mirrored in src/lib/kernels/.
export { layoutSearch as allocate, slotOffset } from './memory';
export { run as blsRun } from './bls';
