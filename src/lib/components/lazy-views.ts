// The components that draw plots, in a chunk of their own (uPlot included), loaded by App.
export { default as Overview } from './Overview.svelte';
export { default as TargetView } from './TargetView.svelte';
export { default as Dictionary } from './Dictionary.svelte';
