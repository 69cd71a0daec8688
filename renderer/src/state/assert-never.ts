// One assertNever for the whole tree; this path stays so the renderer's imports read locally.
export { assertNever } from '../../../server-core/src/assert-never';
