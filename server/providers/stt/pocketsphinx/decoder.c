/*
 * pocketsphinx-decoder: one warm pocketsphinx decoder per process, driven over pipes.
 *
 * Why a process of our own: no npm binding is usable, the model takes ~0.4-0.9 s and
 * ~95 MB to load (so we load once and reuse), and ps_process_raw blocks for tens of
 * milliseconds at a time (so it must not run on the Node event loop).
 *
 * Usage: pocketsphinx-decoder [our options and pocketsphinx args...]
 *   pocketsphinx args (-hmm, -lm, -dict, -jsgf, -lw, -beam, ...) pass straight to
 *   ps_init; model paths default to the Debian pocketsphinx-en-us model.
 * Our options (two dashes, anywhere among the pocketsphinx args):
 *   --partial-interval-ms N  at most one partial per N ms of audio (default 120)
 *   --extra-dict FILE        more pronunciations ("word PH ON ES" per line, like the
 *                            cmudict); words the main dictionary already has are skipped
 *   --domain-lm FILE         a domain language model (ARPA or binary), linearly
 *                            interpolated with the general one (-lm, default en-us.lm.bin)
 *                            in one search: P(w|h) = (1-W) P_general + W P_domain. A word
 *                            only one model knows keeps that model's share, so speech
 *                            outside the domain still comes out as words.
 *   --domain-weight W        W above, 0 < W < 1 (default 0.5)
 *   --domain-choice P        at the end of each utterance, read its word lattice as either a
 *                            request to the agent (scored by the domain model alone, prior P) or
 *                            anything else (the general model alone, prior 1-P), and take the
 *                            path and reading with the best total (see choose_reading). Without
 *                            it the interpolated search's best path is the transcript.
 *
 * stdin, binary frames: 1-byte command, 4-byte little-endian payload length, payload.
 *   'S' start utterance  payload: 4-byte little-endian utterance id, optionally followed by
 *                        the cepstral mean to start from (13 float32 LE, as in "cmn" below)
 *   'A' audio            payload: PCM16 little-endian mono 16 kHz samples
 *   'E' end utterance    payload: none; answers with a "final" line
 *   'X' abort utterance  payload: none; no answer, decoder is reset
 * stdout, one JSON object per line:
 *   {"type":"ready","loadMs":N,"cmn":[13 numbers]}   cmn: the initial cepstral mean
 *   {"type":"partial","utt":ID,"text":"..."}      when the hypothesis changed
 *   {"type":"progress","utt":ID,"audioMs":N}      every 500 ms of audio decoded, so the
 *       caller can tell a slow (CPU-starved, catching up) decoder from a hung one
 *   {"type":"final","utt":ID,"text":"...","ms":N,"audioMs":N,"cpuMs":N[,"reading":...],"cmn":[...]}
 *   ms = wall time from reading 'E' to writing the line (ps_end_utt + ps_get_hyp + choice);
 *   reading = which reading --domain-choice picked ("domain" or "general"), for debugging;
 *   cmn = the cepstral mean after this utterance: pocketsphinx adapts it from utterance to
 *   utterance; the caller keeps it per speaker and passes it back with that speaker's next 'S',
 *   so one person's room and microphone never shift another person's features;
 *   cpuMs = this process's CPU time from 'S' to the final line.
 * The utterance id lets the caller drop lines of an aborted utterance that were already
 * in the pipe when the decoder was handed to the next stream.
 *
 * stderr carries only real errors (pocketsphinx warnings/errors, protocol errors).
 * Exit: 0 when stdin closes between frames, 1 on load failure, 2 on a broken protocol,
 * 3 when stdout is gone, 4 when pocketsphinx fails mid-run.
 */
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <pocketsphinx.h>
#include <ps_lattice.h>
#include <sphinxbase/ckd_alloc.h>
#include <sphinxbase/cmn.h>
#include <sphinxbase/err.h>
#include <sphinxbase/feat.h>
#include <sphinxbase/ngram_model.h>

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

/* Prints ,"cmn":[...] : the current live cepstral mean. */
static void out_cmn(ps_decoder_t *ps) {
    cmn_t *cmn = ps_get_feat(ps)->cmn_struct;
    mfcc_t mean[64];
    cmn_live_get(cmn, mean);
    fputs(",\"cmn\":[", stdout);
    for (int i = 0; i < cmn->veclen && i < 64; i++) printf("%s%.3f", i ? "," : "", (double)mean[i]);
    putchar(']');
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

static const char *flag_value(int argc, char **argv, const char *flag) {
    for (int i = 0; i + 1 < argc; i++)
        if (strcmp(argv[i], flag) == 0) return argv[i + 1];
    return NULL;
}

/* Appends Debian model defaults for flags the caller did not give. With a domain LM the
 * general -lm is taken out of ps_init's arguments (*general_lm gets its path): we load it
 * ourselves to build the interpolated set, instead of loading it twice. */
static cmd_ln_t *parse_config(int argc, char **argv, int with_domain, const char **general_lm) {
    static const char *search_flags[] = {"-lm", "-jsgf", "-fsg", "-kws", "-keyphrase",
                                         "-allphone", "-lmctl"};
    char **args = calloc((size_t)argc + 8, sizeof *args);
    if (!args) die(EXIT_LOAD_FAILED, "out of memory");
    int n = 0;
    for (int i = 0; i < argc; i++) {
        if (with_domain && strcmp(argv[i], "-lm") == 0 && i + 1 < argc) {
            i++; /* the value: see general_lm */
            continue;
        }
        args[n++] = argv[i];
    }
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
    if (with_domain) {
        const char *lm = flag_value(argc, argv, "-lm");
        *general_lm = lm ? lm : MODEL_DIR "/en-us.lm.bin";
        for (size_t i = 0; i < sizeof search_flags / sizeof *search_flags; i++)
            if (strcmp(search_flags[i], "-lm") != 0 && has_flag(argc, argv, search_flags[i]))
                die(EXIT_LOAD_FAILED, "--domain-lm works with an n-gram search only, not %s",
                    search_flags[i]);
    } else if (!has_search) {
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
    ngram_model_t *lm_set;        /* with --domain-lm: the search's model (dictionary word ids) */
    ngram_model_t *mixture;       /* ...which wraps this set: general + domain, interpolated */
    double domain_prior;          /* with --domain-choice: prior of the domain reading */
    float32 bestpath_lw_ratio, ascale; /* pocketsphinx's bestpath settings, to rescore alike */
    int32 silence_penalty, filler_penalty;
    char *choice_text;            /* the chosen transcript (owned) */
} decoder_t;

/* ---- choosing a reading of the utterance ---------------------------------------- */

/*
 * The interpolated search finds one best path, but an utterance is either a request to the agent
 * or something else, and each explanation has its own best words. So after the search the word
 * lattice gives three candidate paths: the best under the domain model alone, under the
 * interpolation (a request with a word from outside the domain: a name, words to repeat), and
 * under the general model alone. Each candidate is scored under each of the two explanations as
 * the bestpath search scores paths (acoustic score + weighted language score + silence and filler
 * penalties) plus the log prior of the explanation; the best (path, explanation) pair wins.
 * Measured on the evaluation set's dev split (docs/recognition.md).
 */
enum { PATH_DOMAIN, PATH_MIXED, PATH_GENERAL, N_PATHS };
enum { READING_DOMAIN, READING_GENERAL, N_READINGS };
static const char *const reading_names[N_READINGS] = {"domain", "general"};

typedef struct {
    const char *words[256]; /* dictionary base words, oldest first (owned by the dictionary) */
    int n;
    double acoustic;        /* sum of the words' acoustic scores */
    double fillers;         /* silence and filler penalties */
    int found;
} path_t;

static int is_filler(const char *word) { return word[0] == '<' || word[0] == '['; }

/* The best path ending in `last`, read back to the start. Must be called before the next
 * bestpath search on the lattice (which overwrites the back pointers). */
static void extract_path(ps_lattice_t *dag, ps_latlink_t *last, decoder_t *d, path_t *out) {
    const char *reversed[256];
    int n = 0;
    memset(out, 0, sizeof *out);
    if (!last) return;
    out->found = 1;
    for (ps_latlink_t *link = last; link && n < 256; link = ps_latlink_pred(link)) {
        int32 ascr = 0;
        ps_latlink_prob(dag, link, &ascr);
        out->acoustic += ascr;
        const char *word = ps_latlink_baseword(dag, link);
        if (strcmp(word, "<s>") == 0 || strcmp(word, "</s>") == 0) continue;
        if (is_filler(word)) {
            out->fillers += strcmp(word, "<sil>") == 0 ? d->silence_penalty : d->filler_penalty;
            continue;
        }
        reversed[n++] = word;
    }
    for (int i = 0; i < n; i++) out->words[i] = reversed[n - 1 - i];
    out->n = n;
}

/* Weighted language score of the path under `lm` as it is now (one model selected, or the
 * interpolation); -INFINITY when the model cannot produce one of its words. */
static double language_score(const path_t *path, ngram_model_t *lm) {
    int32 history[2] = {ngram_wid(lm, "<s>"), NGRAM_INVALID_WID};
    int32 n_used;
    double total = 0;
    for (int i = 0; i <= path->n; i++) {
        int32 wid = ngram_wid(lm, i < path->n ? path->words[i] : "</s>");
        int32 score = ngram_ng_score(lm, wid, history, history[1] == NGRAM_INVALID_WID ? 1 : 2, &n_used);
        /* sphinxbase's log zero is around INT32_MIN / 2: a word the model does not know */
        if (score < -(1 << 28)) return -INFINITY;
        total += score;
        history[1] = history[0];
        history[0] = wid;
    }
    return total;
}

/* Sets d->choice_text to the chosen path's words; returns the reading (-1: no choice made). */
static int choose_reading(decoder_t *d, const char *search_hyp) {
    free(d->choice_text);
    d->choice_text = strdup(search_hyp ? search_hyp : "");
    if (!d->lm_set || d->domain_prior <= 0 || !search_hyp || !*search_hyp) return -1;
    ps_lattice_t *dag = ps_get_lattice(d->ps);
    if (!dag) return -1;
    logmath_t *lmath = ps_get_logmath(d->ps);
    path_t paths[N_PATHS];
    for (int p = 0; p < N_PATHS; p++) {
        if (p == PATH_MIXED) ngram_model_set_interp(d->mixture, NULL, NULL);
        else ngram_model_set_select(d->mixture, p == PATH_DOMAIN ? "domain" : "general");
        extract_path(dag, ps_lattice_bestpath(dag, d->lm_set, d->bestpath_lw_ratio, d->ascale), d, &paths[p]);
    }
    const double prior[N_READINGS] = {d->domain_prior, 1.0 - d->domain_prior};
    int best_path = -1, best_reading = -1;
    double best = -INFINITY;
    for (int r = 0; r < N_READINGS; r++) {
        ngram_model_set_select(d->mixture, r == READING_DOMAIN ? "domain" : "general");
        for (int p = 0; p < N_PATHS; p++) {
            if (!paths[p].found || paths[p].n == 0) continue;
            double total = paths[p].acoustic + d->bestpath_lw_ratio * language_score(&paths[p], d->lm_set) +
                           paths[p].fillers + logmath_log(lmath, prior[r]);
            if (total > best) {
                best = total;
                best_path = p;
                best_reading = r;
            }
        }
    }
    ngram_model_set_interp(d->mixture, NULL, NULL); /* the search's own model again */
    if (best_path < 0) return -1;
    size_t len = 0, size = 1;
    for (int i = 0; i < paths[best_path].n; i++) size += strlen(paths[best_path].words[i]) + 1;
    char *text = malloc(size);
    if (!text) die(EXIT_DECODER_FAILED, "out of memory");
    text[0] = '\0';
    for (int i = 0; i < paths[best_path].n; i++)
        len += (size_t)sprintf(text + len, "%s%s", i ? " " : "", paths[best_path].words[i]);
    free(d->choice_text);
    d->choice_text = text;
    return best_reading;
}

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

/* `mean`: the cepstral mean to start from (the speaker's, from their last final line, or the
 * initial one from the ready line for a new speaker); NULL keeps what the last utterance left. */
static void start_utterance(decoder_t *d, uint32_t utt_id, const mfcc_t *mean) {
    if (d->in_utterance) ps_end_utt(d->ps); /* lenient: a new start drops the old one */
    cmn_t *cmn = ps_get_feat(d->ps)->cmn_struct;
    if (mean) cmn_live_set(cmn, mean);
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
    int reading = d->heard_speech ? choose_reading(d, hyp) : -1;
    printf("{\"type\":\"final\",\"utt\":%u,\"text\":", d->utt_id);
    out_json_string(d->heard_speech && d->choice_text ? d->choice_text : (hyp ? hyp : ""));
    printf(",\"ms\":%.1f,\"audioMs\":%ld,\"cpuMs\":%.1f", now_ms() - started,
           d->samples * 1000L / SAMPLE_RATE, cpu_ms() - d->cpu_at_start);
    if (reading >= 0) printf(",\"reading\":\"%s\"", reading_names[reading]);
    /* The cepstral mean after this utterance (ps_end_utt updated it): where the same speaker's
     * next utterance should start from. */
    out_cmn(d->ps);
    fputs("}\n", stdout);
    out_flush();
}

static void abort_utterance(decoder_t *d) {
    if (!d->in_utterance) return; /* aborting twice, or before start, is harmless */
    ps_end_utt(d->ps);
    d->in_utterance = 0;
}

/* ---- set-up ------------------------------------------------------------------- */

/* Adds the pronunciations of FILE the dictionary lacks. Returns how many were added. */
static int load_extra_dict(ps_decoder_t *ps, const char *path, int update) {
    FILE *f = fopen(path, "r");
    if (!f) die(EXIT_LOAD_FAILED, "cannot open --extra-dict %s: %s", path, strerror(errno));
    char line[1024];
    int added = 0;
    while (fgets(line, sizeof line, f)) {
        char *word = line;
        while (*word == ' ' || *word == '\t') word++;
        if (*word == '\0' || *word == '\n' || *word == '#' || *word == ';') continue;
        char *phones = word;
        while (*phones && *phones != ' ' && *phones != '\t') phones++;
        if (!*phones) continue;
        *phones++ = '\0';
        while (*phones == ' ' || *phones == '\t') phones++;
        char *end = phones + strlen(phones);
        while (end > phones && (end[-1] == '\n' || end[-1] == '\r' || end[-1] == ' ')) *--end = '\0';
        if (*phones == '\0') continue;
        char *known = ps_lookup_word(ps, word);
        if (known) {
            ckd_free(known);
            continue;
        }
        if (ps_add_word(ps, word, phones, update) < 0)
            die(EXIT_LOAD_FAILED, "--extra-dict %s: bad pronunciation for %s: %s", path, word, phones);
        added++;
    }
    fclose(f);
    return added;
}

/* Installs general + domain, linearly interpolated, as the active search. */
static ngram_model_t *use_domain_lm(ps_decoder_t *ps, cmd_ln_t *config, const char *general_path,
                          const char *domain_path, double weight, ngram_model_t **mixture) {
    logmath_t *lmath = ps_get_logmath(ps);
    ngram_model_t *models[2];
    models[0] = ngram_model_read(config, general_path, NGRAM_AUTO, lmath);
    if (!models[0]) die(EXIT_LOAD_FAILED, "cannot read the general language model %s", general_path);
    models[1] = ngram_model_read(config, domain_path, NGRAM_AUTO, lmath);
    if (!models[1]) die(EXIT_LOAD_FAILED, "cannot read --domain-lm %s", domain_path);
    char *names[2] = {"general", "domain"};
    float32 weights[2] = {(float32)(1.0 - weight), (float32)weight};
    ngram_model_t *set = ngram_model_set_init(config, models, names, weights, 2);
    if (!set) die(EXIT_LOAD_FAILED, "cannot combine the language models");
    *mixture = set;
    if (ps_set_lm(ps, "combined", set) < 0 || ps_set_search(ps, "combined") < 0)
        die(EXIT_LOAD_FAILED, "cannot use the combined language model");
    /* The search wraps the set in a set of its own ("default"), whose word ids are dictionary
     * ids, as the lattice uses. Selecting or interpolating happens on the inner set. */
    return ps_get_lm(ps, "combined");
}

int main(int argc, char **argv) {
    /* A vanished reader must surface as a write error we report, not a silent kill. */
    signal(SIGPIPE, SIG_IGN);
    err_set_callback(log_callback, NULL);
    /* ps_init prints its whole configuration straight to the log FILE, not through the
     * callback: a NULL FILE drops that dump (the callback still gets warnings/errors). */
    err_set_logfp(NULL);

    int partial_interval_ms = DEFAULT_PARTIAL_INTERVAL_MS;
    const char *extra_dict = NULL, *domain_lm = NULL;
    double domain_weight = 0.5, domain_prior = 0;
    /* Our options start with "--", pocketsphinx's with one "-": pick ours out wherever they are. */
    char **ps_argv = calloc((size_t)argc, sizeof *ps_argv);
    if (!ps_argv) die(EXIT_LOAD_FAILED, "out of memory");
    int ps_argc = 0;
    for (int i = 1; i < argc; i++) {
        const char *flag = argv[i];
        if (strncmp(flag, "--", 2) != 0) {
            ps_argv[ps_argc++] = argv[i];
            continue;
        }
        if (i + 1 >= argc) die(EXIT_LOAD_FAILED, "%s needs a value", flag);
        const char *value = argv[++i];
        char *end = NULL;
        if (strcmp(flag, "--partial-interval-ms") == 0) {
            long v = strtol(value, &end, 10);
            if (*value == '\0' || *end != '\0' || v < 0 || v > 60000)
                die(EXIT_LOAD_FAILED, "bad --partial-interval-ms %s", value);
            partial_interval_ms = (int)v;
        } else if (strcmp(flag, "--extra-dict") == 0) {
            extra_dict = value;
        } else if (strcmp(flag, "--domain-choice") == 0) {
            domain_prior = strtod(value, &end);
            if (*value == '\0' || *end != '\0' || !(domain_prior > 0 && domain_prior < 1))
                die(EXIT_LOAD_FAILED, "bad --domain-choice %s (0 < P < 1)", value);
        } else if (strcmp(flag, "--domain-lm") == 0) {
            domain_lm = value;
        } else if (strcmp(flag, "--domain-weight") == 0) {
            domain_weight = strtod(value, &end);
            if (*value == '\0' || *end != '\0' || !(domain_weight > 0 && domain_weight < 1))
                die(EXIT_LOAD_FAILED, "bad --domain-weight %s (0 < W < 1)", value);
        } else {
            die(EXIT_LOAD_FAILED, "unknown option %s", flag);
        }
    }

    double load_started = now_ms();
    const char *general_lm = NULL;
    cmd_ln_t *config = parse_config(ps_argc, ps_argv, domain_lm != NULL, &general_lm);
    if (!config) die(EXIT_LOAD_FAILED, "invalid pocketsphinx arguments");
    decoder_t d = {0};
    d.ps = ps_init(config);
    if (!d.ps) die(EXIT_LOAD_FAILED, "ps_init failed (model paths or arguments?)");
    /* Before the domain search is built, so its lexicon tree has the new words; without a
     * domain LM the n-gram search already exists and ps_add_word updates it. */
    if (extra_dict) load_extra_dict(d.ps, extra_dict, domain_lm == NULL);
    if (domain_lm) {
        d.lm_set = use_domain_lm(d.ps, config, general_lm, domain_lm, domain_weight, &d.mixture);
        d.domain_prior = domain_prior;
        d.bestpath_lw_ratio = cmd_ln_float32_r(config, "-bestpathlw") / cmd_ln_float32_r(config, "-lw");
        d.ascale = 1.0f / cmd_ln_float32_r(config, "-ascale");
        logmath_t *lmath = ps_get_logmath(d.ps);
        d.silence_penalty = logmath_log(lmath, cmd_ln_float32_r(config, "-silprob")) +
                            logmath_log(lmath, cmd_ln_float32_r(config, "-pip"));
        d.filler_penalty = logmath_log(lmath, cmd_ln_float32_r(config, "-fillprob")) +
                           logmath_log(lmath, cmd_ln_float32_r(config, "-pip"));
    } else if (domain_prior > 0) {
        die(EXIT_LOAD_FAILED, "--domain-choice needs --domain-lm");
    }
    d.partial_interval_samples = (long)partial_interval_ms * SAMPLE_RATE / 1000;
    reset_partial(&d, "");
    printf("{\"type\":\"ready\",\"loadMs\":%.0f", now_ms() - load_started);
    out_cmn(d.ps); /* the initial mean (-cmninit): where a new speaker starts from */
    fputs("}\n", stdout);
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
        case 'S': {
            int veclen = ps_get_feat(d.ps)->cmn_struct->veclen;
            if (len != 4 && len != 4 + 4 * (uint32_t)veclen)
                die(EXIT_PROTOCOL, "start frame needs a 4-byte id and optionally %d floats, got %u bytes", veclen, len);
            mfcc_t mean[64];
            for (int i = 0; len > 4 && i < veclen && i < 64; i++) {
                uint32_t bits = le32(payload + 4 + 4 * i);
                float value;
                memcpy(&value, &bits, sizeof value);
                mean[i] = value;
            }
            start_utterance(&d, le32(payload), len > 4 ? mean : NULL);
            break;
        }
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
    free(d.choice_text);
    free(ps_argv);
    ps_free(d.ps);
    cmd_ln_free_r(config);
    return 0;
}
