#!/usr/bin/env bash
# npm run bench [-- turns]: builds if stale, then the voice benchmark (turns spoken over /ws,
# default 20), then the history one (scripts/bench-history.ts), then the models one (scripts/bench-models.ts), then the recordings one (scripts/bench-recordings.ts),
# then the WebRTC bridge (scripts/bench-rtc.ts), then the server VAD's barge-in figures (scripts/measure-barge-in.ts --quick; docs/vad.md has the full runs),
# then voice-to-voice in Chromium over WebRTC and the socket path (scripts/bench-rtc-browser.ts; docs/webrtc.md),
# then recognition through Chromium vs raw PCM (scripts/bench-browser-wer.ts --quick, ~3 min; docs/recognition.md has the full run),
# then the load one (scripts/bench-load.ts: 1, 4, 6, 8 and 16 people speaking at once; `npm run bench:load` for other
# levels, up to 32; docs/operations.md) and the socket fuzz run (scripts/fuzz-socket.ts: fails the bench on a crash, an
# unhandled error or an answer outside the contract). The 10-minute soak is separate: npm run soak.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build-if-stale.sh
npx tsx scripts/bench-voice.ts "$@"
npx tsx scripts/bench-history.ts
npx tsx scripts/bench-models.ts
npx tsx scripts/bench-recordings.ts
npx tsx scripts/bench-rtc.ts
npx tsx scripts/measure-barge-in.ts --quick
npx tsx scripts/bench-rtc-browser.ts
npx tsx scripts/bench-browser-wer.ts --quick
npx tsx scripts/bench-load.ts 1,4,6,8,16 3
npx tsx scripts/fuzz-socket.ts
