// The single executable's main script. Node compiles it with its own code cache, which holds
// only what runs at the top level; the hot bundle it starts comes with a cache trained on a
// cached `get`, so that run compiles nothing.
import { runHotBundle } from './embedded.ts';

runHotBundle();
