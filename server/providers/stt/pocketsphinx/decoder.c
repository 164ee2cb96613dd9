/*
 * pocketsphinx-decoder: one warm pocketsphinx decoder per process, driven over pipes.
 *
 * Why a process of our own: no npm binding is usable, the model takes ~0.4-0.9 s and
 * ~95 MB to load (so we load once and reuse), and ps_process_raw blocks for tens of
 * milliseconds at a time (so it must not run on the Node event loop).
 *
 * Usage: pocketsphinx-decoder [--partial-interval-ms N] [pocketsphinx args...]
 *   pocketsphinx args (-hmm, -lm, -dict, -jsgf, -lw, -beam, ...) pass straight to
 *   ps_init; model paths default to the Debian pocketsphinx-en-us model.
 *
 * stdin, binary frames: 1-byte command, 4-byte little-endian payload length, payload.
 *   'S' start utterance  payload: 4-byte little-endian utterance id
 *   'A' audio            payload: PCM16 little-endian mono 16 kHz samples
 *   'E' end utterance    payload: none; answers with a "final" line
 *   'X' abort utterance  payload: none; no answer, decoder is reset
 * stdout, one JSON object per line:
 *   {"type":"ready","loadMs":N}
 *   {"type":"partial","utt":ID,"text":"..."}      when the hypothesis changed
 *   {"type":"progress","utt":ID,"audioMs":N}      every 500 ms of audio decoded, so the
 *       caller can tell a slow (CPU-starved, catching up) decoder from a hung one
 *   {"type":"final","utt":ID,"text":"...","ms":N,"audioMs":N,"cpuMs":N}
 *   ms = wall time from reading 'E' to writing the line (ps_end_utt + ps_get_hyp);
 *   cpuMs = this process's CPU time from 'S' to the final line.
 * The utterance id lets the caller drop lines of an aborted utterance that were already
 * in the pipe when the decoder was handed to the next stream.
 *
 * stderr carries only real errors (pocketsphinx warnings/errors, protocol errors).
 * Exit: 0 when stdin closes between frames, 1 on load failure, 2 on a broken protocol,
 * 3 when stdout is gone, 4 when pocketsphinx fails mid-run.
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <pocketsphinx.h>
#include <sphinxbase/err.h>

#define MODEL_DIR "/usr/share/pocketsphinx/model/en-us"
#define SAMPLE_RATE 16000
/* Frames are at most this big; bigger means the stream is garbage, not audio. */
#define MAX_PAYLOAD (1u << 20) /* 32 s of audio */
#define DEFAULT_PARTIAL_INTERVAL_MS 120
#define PROGRESS_INTERVAL_SAMPLES (SAMPLE_RATE / 2)

enum { EXIT_LOAD_FAILED = 1, EXIT_PROTOCOL = 2, EXIT_STDOUT_GONE = 3, EXIT_DECODER_FAILED = 4 };

static double clock_ms(clockid_t clock) {
    struct timespec ts;
    clock_gettime(clock, &ts);
    return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

static double now_ms(void) { return clock_ms(CLOCK_MONOTONIC); }

/* Our own CPU time: ps_get_utt_time's figure misses most of the work (it reported
 * ~0.05 x real time where the process really spent 0.2-0.4 x). */
static double cpu_ms(void) { return clock_ms(CLOCK_PROCESS_CPUTIME_ID); }

/* Keep pocketsphinx's chatty INFO log off stderr so stderr stays meaningful. */
static void log_callback(void *user_data, err_lvl_t level, const char *fmt, ...) {
    (void)user_data;
    if (level < ERR_WARN) return;
    va_list args;
    va_start(args, fmt);
    vfprintf(stderr, fmt, args);
    va_end(args);
}

static void die(int code, const char *fmt, ...) {
    va_list args;
    va_start(args, fmt);
    fputs("pocketsphinx-decoder: ", stderr);
    vfprintf(stderr, fmt, args);
    fputc('\n', stderr);
    va_end(args);
    exit(code);
}

/* ---- stdout: JSON lines ------------------------------------------------------- */

static void out_flush(void) {
    if (fflush(stdout) != 0) die(EXIT_STDOUT_GONE, "cannot write stdout: %s", strerror(errno));
}

static void out_json_string(const char *s) {
    putchar('"');
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\') {
            putchar('\\');
            putchar(*p);
        } else if (*p < 0x20) {
            printf("\\u%04x", *p);
        } else {
            putchar(*p);
        }
    }
    putchar('"');
}

/* ---- stdin: binary frames ----------------------------------------------------- */

/* Reads exactly n bytes. Returns 1 on success, 0 on EOF before the first byte. */
static int read_exact(void *buf, size_t n) {
    size_t got = 0;
    while (got < n) {
        ssize_t r = read(0, (char *)buf + got, n - got);
        if (r > 0) {
            got += (size_t)r;
        } else if (r == 0) {
            if (got == 0) return 0;
            die(EXIT_PROTOCOL, "stdin closed in the middle of a frame");
        } else if (errno != EINTR) {
            die(EXIT_PROTOCOL, "cannot read stdin: %s", strerror(errno));
        }
    }
    return 1;
}

static uint32_t le32(const unsigned char *b) {
    return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

/* ---- arguments ---------------------------------------------------------------- */

static int has_flag(int argc, char **argv, const char *flag) {
    for (int i = 0; i < argc; i++)
        if (strcmp(argv[i], flag) == 0) return 1;
    return 0;
}

/* Appends Debian model defaults for flags the caller did not give. */
static cmd_ln_t *parse_config(int argc, char **argv) {
    static const char *search_flags[] = {"-lm", "-jsgf", "-fsg", "-kws", "-keyphrase",
                                         "-allphone", "-lmctl"};
    char **args = calloc((size_t)argc + 8, sizeof *args);
    if (!args) die(EXIT_LOAD_FAILED, "out of memory");
    int n = 0;
    for (int i = 0; i < argc; i++) args[n++] = argv[i];
    if (!has_flag(argc, argv, "-hmm")) {
        args[n++] = "-hmm";
        args[n++] = MODEL_DIR "/en-us";
    }
    if (!has_flag(argc, argv, "-dict")) {
        args[n++] = "-dict";
        args[n++] = MODEL_DIR "/cmudict-en-us.dict";
    }
    int has_search = 0;
    for (size_t i = 0; i < sizeof search_flags / sizeof *search_flags; i++)
        has_search |= has_flag(argc, argv, search_flags[i]);
    if (!has_search) {
        args[n++] = "-lm";
        args[n++] = MODEL_DIR "/en-us.lm.bin";
    }
    /* strict: a misspelt flag is an error, not silently ignored. */
    cmd_ln_t *config = cmd_ln_parse_r(NULL, ps_args(), n, args, TRUE);
    free(args);
    return config;
}

/* ---- decoding ----------------------------------------------------------------- */

typedef struct {
    ps_decoder_t *ps;
    int in_utterance;
    uint32_t utt_id;
    long samples;                 /* audio in this utterance */
    long samples_at_last_partial; /* throttles partials to one per interval */
    long samples_at_last_progress;
    long partial_interval_samples;
    char *last_partial;           /* only announce changes */
    double cpu_at_start;          /* process CPU time when the utterance started */
    int heard_speech;             /* the VAD saw speech in this utterance */
} decoder_t;

static void reset_partial(decoder_t *d, const char *text) {
    free(d->last_partial);
    d->last_partial = strdup(text ? text : "");
    if (!d->last_partial) die(EXIT_DECODER_FAILED, "out of memory");
}

/* With -remove_silence (the default) the voice activity detector drops silence, so an
 * utterance without speech has nothing to search and ps_get_hyp logs "Couldn't find <s>
 * in first frame". That is just an empty transcript for us: don't ask. */
static const char *current_hyp(decoder_t *d) {
    return d->heard_speech ? ps_get_hyp(d->ps, NULL) : NULL;
}

static void start_utterance(decoder_t *d, uint32_t utt_id) {
    if (d->in_utterance) ps_end_utt(d->ps); /* lenient: a new start drops the old one */
    if (ps_start_utt(d->ps) < 0) die(EXIT_DECODER_FAILED, "ps_start_utt failed");
    d->in_utterance = 1;
    d->utt_id = utt_id;
    d->samples = 0;
    d->samples_at_last_partial = 0;
    d->samples_at_last_progress = 0;
    d->cpu_at_start = cpu_ms();
    d->heard_speech = 0;
    reset_partial(d, "");
}

static void process_audio(decoder_t *d, const unsigned char *bytes, uint32_t len,
                          int16 *samples) {
    if (!d->in_utterance) die(EXIT_PROTOCOL, "audio outside an utterance");
    if (len % 2 != 0) die(EXIT_PROTOCOL, "audio frame of odd length %u", len);
    size_t count = len / 2;
    for (size_t i = 0; i < count; i++)
        samples[i] = (int16)(uint16_t)(bytes[2 * i] | bytes[2 * i + 1] << 8);
    if (ps_process_raw(d->ps, samples, count, FALSE, FALSE) < 0)
        die(EXIT_DECODER_FAILED, "ps_process_raw failed");
    d->samples += (long)count;
    d->heard_speech |= ps_get_in_speech(d->ps);

    if (d->samples - d->samples_at_last_progress >= PROGRESS_INTERVAL_SAMPLES) {
        d->samples_at_last_progress = d->samples;
        printf("{\"type\":\"progress\",\"utt\":%u,\"audioMs\":%ld}\n", d->utt_id,
               d->samples * 1000L / SAMPLE_RATE);
        out_flush();
    }
    if (d->samples - d->samples_at_last_partial < d->partial_interval_samples) return;
    d->samples_at_last_partial = d->samples;
    const char *hyp = current_hyp(d);
    if (!hyp || strcmp(hyp, d->last_partial) == 0) return;
    reset_partial(d, hyp);
    printf("{\"type\":\"partial\",\"utt\":%u,\"text\":", d->utt_id);
    out_json_string(hyp);
    fputs("}\n", stdout);
    out_flush();
}

static void end_utterance(decoder_t *d) {
    if (!d->in_utterance) die(EXIT_PROTOCOL, "end outside an utterance");
    double started = now_ms();
    if (ps_end_utt(d->ps) < 0) die(EXIT_DECODER_FAILED, "ps_end_utt failed");
    d->in_utterance = 0;
    const char *hyp = current_hyp(d);
    printf("{\"type\":\"final\",\"utt\":%u,\"text\":", d->utt_id);
    out_json_string(hyp ? hyp : "");
    printf(",\"ms\":%.1f,\"audioMs\":%ld,\"cpuMs\":%.1f}\n", now_ms() - started,
           d->samples * 1000L / SAMPLE_RATE, cpu_ms() - d->cpu_at_start);
    out_flush();
}

static void abort_utterance(decoder_t *d) {
    if (!d->in_utterance) return; /* aborting twice, or before start, is harmless */
    ps_end_utt(d->ps);
    d->in_utterance = 0;
}

int main(int argc, char **argv) {
    /* A vanished reader must surface as a write error we report, not a silent kill. */
    signal(SIGPIPE, SIG_IGN);
    err_set_callback(log_callback, NULL);
    /* ps_init prints its whole configuration straight to the log FILE, not through the
     * callback: a NULL FILE drops that dump (the callback still gets warnings/errors). */
    err_set_logfp(NULL);

    int partial_interval_ms = DEFAULT_PARTIAL_INTERVAL_MS;
    int first_ps_arg = 1;
    if (argc >= 3 && strcmp(argv[1], "--partial-interval-ms") == 0) {
        char *end = NULL;
        long v = strtol(argv[2], &end, 10);
        if (*argv[2] == '\0' || *end != '\0' || v < 0 || v > 60000)
            die(EXIT_LOAD_FAILED, "bad --partial-interval-ms %s", argv[2]);
        partial_interval_ms = (int)v;
        first_ps_arg = 3;
    }

    double load_started = now_ms();
    cmd_ln_t *config = parse_config(argc - first_ps_arg, argv + first_ps_arg);
    if (!config) die(EXIT_LOAD_FAILED, "invalid pocketsphinx arguments");
    decoder_t d = {0};
    d.ps = ps_init(config);
    if (!d.ps) die(EXIT_LOAD_FAILED, "ps_init failed (model paths or arguments?)");
    d.partial_interval_samples = (long)partial_interval_ms * SAMPLE_RATE / 1000;
    reset_partial(&d, "");
    printf("{\"type\":\"ready\",\"loadMs\":%.0f}\n", now_ms() - load_started);
    out_flush();

    unsigned char *payload = malloc(MAX_PAYLOAD);
    int16 *samples = malloc(MAX_PAYLOAD);
    if (!payload || !samples) die(EXIT_LOAD_FAILED, "out of memory");

    unsigned char header[5];
    while (read_exact(header, sizeof header)) {
        uint32_t len = le32(header + 1);
        if (len > MAX_PAYLOAD) die(EXIT_PROTOCOL, "frame of %u bytes is too big", len);
        if (len > 0 && !read_exact(payload, len))
            die(EXIT_PROTOCOL, "stdin closed in the middle of a frame");
        switch (header[0]) {
        case 'S':
            if (len != 4) die(EXIT_PROTOCOL, "start frame needs a 4-byte id, got %u", len);
            start_utterance(&d, le32(payload));
            break;
        case 'A':
            process_audio(&d, payload, len, samples);
            break;
        case 'E':
            end_utterance(&d);
            break;
        case 'X':
            abort_utterance(&d);
            break;
        default:
            die(EXIT_PROTOCOL, "unknown command byte 0x%02x", header[0]);
        }
    }

    /* stdin closed between frames: the parent is done with us. */
    free(payload);
    free(samples);
    free(d.last_partial);
    ps_free(d.ps);
    cmd_ln_free_r(config);
    return 0;
}
