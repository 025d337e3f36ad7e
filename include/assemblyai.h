/*
 * assemblyai.h: the C interface of libassemblyai, the AssemblyAI speech-to-text SDK.
 *
 * This header is the contract. A function, type or constant that is not declared here is
 * not part of the library's interface (the shared object exports nothing else). Every
 * declaration is documented right above it.
 *
 * ---------------------------------------------------------------------------------------
 * CONVENTIONS (they hold for every function below unless its comment says otherwise)
 *
 * Handles. Every object is an opaque handle created by a `*_new` function and released by
 * the matching `*_free`. `*_free(NULL)` is a harmless no-op. A handle is a token, not a
 * pointer into library memory: passing NULL, a handle that was already freed, or a handle
 * of another type gives AAI_ERR_INVALID_ARGUMENT (getters return their documented
 * fallback value), never a crash. Freeing a handle twice is therefore harmless too, but
 * it is still a bug in the caller.
 *
 * Results. Every fallible function returns an aai_status; AAI_OK (0) means success.
 * Results come through out-parameters, which are written only on success unless the
 * comment says otherwise (some calls also return a transcript alongside an error, so the
 * transcript id is never lost: see aai_transcriber_wait()).
 *
 * Errors. When a function fails, details of the failure are kept per thread until the
 * next failing call on that thread: aai_last_error_message(), aai_last_error_http_status(),
 * aai_last_error_server_text(), aai_last_error_retryable(). A successful call does not
 * clear them. The library never prints and never aborts the host process.
 *
 * Strings. Input strings are UTF-8, NUL-terminated, and copied if the library keeps them:
 * the caller may free them as soon as the call returns. A string that is not valid UTF-8 is
 * AAI_ERR_INVALID_ARGUMENT. Output strings are either "borrowed" (owned by a handle, valid
 * until that handle is freed; do not free them) or "owned by the caller" (release with
 * aai_string_free()). Each function says which.
 *
 * Flags. An `int` flag treats any non-zero value as true.
 *
 * Threads. Every handle may be used from several threads at once: aai_client,
 * aai_transcriber and aai_config lock internally; aai_transcript is immutable. Freeing a
 * handle while another thread is inside a call on it is safe: the running call finishes
 * with the object it already holds, later calls see AAI_ERR_INVALID_ARGUMENT. Borrowed
 * strings of a freed handle must not be used afterwards.
 *
 * Callbacks receive the `void *user_data` registered with them, unchanged, and run on the
 * thread that made the call that triggers them unless documented otherwise. They must not
 * block for long.
 *
 * Versioning. SONAME libassemblyai.so.<major>. Adding functions is a minor release;
 * changing or removing one is a major release. Structs returned by the library (such as
 * aai_word) only grow in a major release.
 * ---------------------------------------------------------------------------------------
 */
#ifndef ASSEMBLYAI_H
#define ASSEMBLYAI_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ======================================================================================
 * Version
 * ==================================================================================== */

/** Version of this header. Compare with aai_version_number() to detect a mismatched
    library at run time. AAI_VERSION_NUMBER is MAJOR*1000000 + MINOR*1000 + PATCH. */
#define AAI_VERSION_MAJOR 0
#define AAI_VERSION_MINOR 1
#define AAI_VERSION_PATCH 0
#define AAI_VERSION "0.1.0"
#define AAI_VERSION_NUMBER (AAI_VERSION_MAJOR * 1000000 + AAI_VERSION_MINOR * 1000 + AAI_VERSION_PATCH)

/** The library's version as "MAJOR.MINOR.PATCH". Static storage: never free it. */
const char *aai_version(void);

/** The library's version as AAI_VERSION_NUMBER computes it. */
int aai_version_number(void);

/* ======================================================================================
 * Status codes and error details
 * ==================================================================================== */

/** Result of every fallible call. New codes may be added in minor releases: treat an
    unknown non-zero value as a failure and read aai_last_error_message(). */
typedef enum aai_status {
    AAI_OK = 0,                    /* Success. */
    AAI_ERR_INVALID_ARGUMENT = 1,  /* NULL/freed/foreign handle, NULL pointer, value out of range. */
    AAI_ERR_NOT_IMPLEMENTED = 2,   /* The call exists but this build does not implement it yet. */
    AAI_ERR_IO = 3,                /* A local file could not be opened, read or written. */
    AAI_ERR_CONNECTION = 4,        /* The server could not be reached, or the connection broke. */
    AAI_ERR_TIMEOUT = 5,           /* A request or a wait ran past its time limit. */
    AAI_ERR_TLS = 6,               /* TLS handshake or certificate verification failed. */
    AAI_ERR_HTTP = 7,              /* The server answered with an error status not listed below (e.g. 400). */
    AAI_ERR_AUTH = 8,              /* HTTP 401 or 403: missing, wrong or unauthorized API key. */
    AAI_ERR_NOT_FOUND = 9,         /* HTTP 404: no such transcript or resource. */
    AAI_ERR_RATE_LIMITED = 10,     /* HTTP 429, still after the configured retries. */
    AAI_ERR_SERVER = 11,           /* HTTP 5xx, still after the configured retries. */
    AAI_ERR_PROTOCOL = 12,         /* The server's answer could not be understood (e.g. malformed JSON). */
    AAI_ERR_TRANSCRIPT = 13,       /* The transcript finished with status "error"; the message is the server's. */
    AAI_ERR_CANCELLED = 14,        /* A callback or a cancel call stopped the operation. */
    AAI_ERR_NO_MEMORY = 15,        /* An allocation failed. */
    AAI_ERR_STATE = 16,            /* The call is not valid in the object's current state. */
    AAI_ERR_INTERNAL = 99          /* A bug in libassemblyai: please report it with the message. */
} aai_status;

/** A short English name for a status code ("AAI_ERR_TIMEOUT"). Static storage: never
    free it. Unknown values give "AAI_ERR_UNKNOWN". */
const char *aai_status_name(aai_status status);

/** The status of the last failing call on this thread (AAI_OK if none failed yet). */
aai_status aai_last_error_status(void);

/** A human-readable message for the last failing call on this thread, naming what failed
    (a path, a field, a URL, the server's text). Never NULL: "" when no call failed yet.
    Borrowed: valid until the next failing call on this thread. Never contains the API key. */
const char *aai_last_error_message(void);

/** The HTTP status code of the last failing call on this thread, or 0 when the failure
    did not come from an HTTP answer. */
int aai_last_error_http_status(void);

/** The server's own error text (the "error" field of its JSON error body, or of a failed
    transcript) for the last failing call on this thread, or NULL when there is none.
    Borrowed: valid until the next failing call on this thread. */
const char *aai_last_error_server_text(void);

/** 1 when retrying the last failing call on this thread could succeed (a connection
    failure, a timeout, HTTP 429 or 5xx), 0 when it cannot without a change (bad argument,
    401, 404, a failed transcript). */
int aai_last_error_retryable(void);

/** Releases a string that the library returned as "owned by the caller". NULL is a no-op. */
void aai_string_free(char *string);

/* ======================================================================================
 * Client: settings and connections
 * ==================================================================================== */

/** A client holds the settings shared by every call made through it (API key, base URL,
    timeouts, retry policy) and its reusable HTTP connections. Thread-safe. */
typedef struct aai_client aai_client;

/** Creates a client with the default settings (base URL "https://api.assemblyai.com", HTTP
    timeout 30 s, polling interval 3 s, no polling deadline, up to 3 retries of requests that are
    safe to repeat), then applies these environment variables, as the official Python SDK's
    Settings reads them (times in seconds, decimals allowed; an unset or empty variable keeps
    the default; names match in any case, upper case first):

      ASSEMBLYAI_API_KEY                   the API key
      ASSEMBLYAI_BASE_URL                  as aai_client_set_base_url()
      ASSEMBLYAI_HTTP_TIMEOUT              seconds > 0, as aai_client_set_http_timeout_ms()
      ASSEMBLYAI_POLLING_INTERVAL          seconds > 0, as aai_client_set_polling_interval_ms()
      ASSEMBLYAI_LLM_GATEWAY_BASE_URL      as aai_client_set_llm_gateway_base_url()
      ASSEMBLYAI_LLM_GATEWAY_HTTP_TIMEOUT  seconds > 0, as aai_client_set_llm_timeout_ms()
                                           (LeMUR and the LLM Gateway share this limit)
    three of libassemblyai's own:
      ASSEMBLYAI_STREAMING_BASE_URL        wss:// base URL of Universal Streaming v3 sessions
                                           that set no URL (ws:// for a loopback host)
      ASSEMBLYAI_POLLING_TIMEOUT           seconds >= 0, as aai_client_set_polling_timeout_ms()
      ASSEMBLYAI_MAX_RETRIES               0..100, as aai_client_set_max_retries()
    and the hosts and time limits of the Sync, Dictation and Text-to-Speech APIs, as 1.8.2 names them:
      ASSEMBLYAI_SYNC_BASE_URL, ASSEMBLYAI_DICTATION_BASE_URL, ASSEMBLYAI_TTS_BASE_URL   URLs, checked
                                           as aai_client_set_base_url() checks its URL
      ASSEMBLYAI_SYNC_HTTP_TIMEOUT, ASSEMBLYAI_SYNC_LIVE_HTTP_TIMEOUT,
      ASSEMBLYAI_DICTATION_HTTP_TIMEOUT, ASSEMBLYAI_TTS_HTTP_TIMEOUT,
      ASSEMBLYAI_TTS_SYNTHESIZE_HTTP_TIMEOUT                                   seconds > 0

    A variable with a bad value fails the call with AAI_ERR_INVALID_ARGUMENT and a message that
    names it (so a program pointed at the local server never talks to the real host by
    mistake); *out is then NULL. Setters called afterwards override the environment.
    *out is owned by the caller: release it with aai_client_free(). Objects created
    from the client keep what they need alive, so the client may be freed before them. */
aai_status aai_client_new(aai_client **out);

/** Releases a client. NULL is a no-op. */
void aai_client_free(aai_client *client);

/** Sets the API key sent in the Authorization header. It is never logged nor put in an
    error message. An empty string is AAI_ERR_INVALID_ARGUMENT. */
aai_status aai_client_set_api_key(aai_client *client, const char *api_key);

/** Sets the base URL of the REST API, e.g. "http://127.0.0.1:8080" for the local server.
    Must start with "https://", or with "http://" for a loopback host (127.0.0.0/8, ::1,
    localhost); anything else is AAI_ERR_INVALID_ARGUMENT. A trailing "/" is ignored. */
aai_status aai_client_set_base_url(aai_client *client, const char *base_url);

/** Sets the HTTP timeout in milliseconds (default 30000, must be > 0). For ordinary
    requests it bounds the whole request; for uploads and downloads it bounds connecting and
    any stall in which no byte moves (checked about once a second), so a large upload on a
    slow link is not cut off. */
aai_status aai_client_set_http_timeout_ms(aai_client *client, long timeout_ms);

/** Sets how often a waiting call polls a transcript, in milliseconds (default 3000, > 0). */
aai_status aai_client_set_polling_interval_ms(aai_client *client, long interval_ms);

/** Sets an overall deadline for waiting on a transcript, in milliseconds; 0 (the default)
    waits as long as it takes. A wait that reaches the deadline returns AAI_ERR_TIMEOUT and
    still hands back the transcript as last seen, so its id is never lost. */
aai_status aai_client_set_polling_timeout_ms(aai_client *client, long timeout_ms);

/** Sets how many times a failed request that is safe to repeat is retried (default 3,
    0 disables retries). Retried: connection failures, timeouts, HTTP 429 and 5xx on GET
    and DELETE, and on uploads (whose source is re-read from the start). A request that
    creates a transcript is retried only when it provably never reached the server
    (connection refused, name not resolved) or was refused with 429; it is sent on a new
    connection of its own, so the transport never re-sends it either. When such a request
    fails after it may have reached the server (a timeout, a broken connection, a 5xx, an
    unreadable answer), the message says so: check before sending it again. Waits grow
    exponentially from 250 ms (with jitter) and honour the server's Retry-After (at most 120 s). */
aai_status aai_client_set_max_retries(aai_client *client, int max_retries);

/** Appends a product token to the User-Agent header (e.g. "myapp/1.2"), after
    "libassemblyai/VERSION AssemblyAI/1.0 (sdk=C/VERSION)". NULL removes it. Control characters
    are AAI_ERR_INVALID_ARGUMENT. */
aai_status aai_client_set_user_agent_suffix(aai_client *client, const char *suffix);

/* ======================================================================================
 * Transcription config
 * ==================================================================================== */

/** The request parameters of a transcription (the API's TranscriptParams, without
    audio_url). Only the fields that were set are sent. Thread-safe; a call that uses a
    config takes a snapshot of it, so later changes do not affect a running call. */
typedef struct aai_config aai_config;

/** Creates an empty config. Owned by the caller: release it with aai_config_free(). */
aai_status aai_config_new(aai_config **out);

/** Releases a config. NULL is a no-op. */
void aai_config_free(aai_config *config);

/** Merges a JSON object into the config: each top-level key replaces the field of that
    name. This reaches every request field of the API, including ones this version of
    the library does not know yet. A value of null removes the field. Text that is not a
    JSON object, a key given twice, or a number outside the range of a double is
    AAI_ERR_INVALID_ARGUMENT (the message gives the position or the field), and the config is
    left unchanged. */
aai_status aai_config_set_json(aai_config *config, const char *json_object);

/** The config as the JSON object that will be sent (without audio_url). Owned by the
    caller: release *out with aai_string_free(). */
aai_status aai_config_to_json(const aai_config *config, char **out);

/** Sets language_code (e.g. "en_us", "de"). NULL removes the field. */
aai_status aai_config_set_language_code(aai_config *config, const char *language_code);

/** Sets speech_model, one model name. Legacy: today's API takes speech_models, a list in priority
    order (aai_config_set_speech_models()); the API still accepts speech_model, which its spec marks
    deprecated. NULL removes the field. */
aai_status aai_config_set_speech_model(aai_config *config, const char *speech_model);

/** Sets punctuate (1 or 0). */
aai_status aai_config_set_punctuate(aai_config *config, int enabled);

/** Sets format_text (1 or 0). */
aai_status aai_config_set_format_text(aai_config *config, int enabled);

/** Sets speaker_labels (1 or 0). */
aai_status aai_config_set_speaker_labels(aai_config *config, int enabled);

/** Names of every request field of the API (both spec versions), for the setters below.
    Using the constants turns a misspelt field into a compile error. */
#define AAI_FIELD_AUDIO_END_AT "audio_end_at"
#define AAI_FIELD_AUDIO_START_FROM "audio_start_from"
#define AAI_FIELD_AUTO_CHAPTERS "auto_chapters"
#define AAI_FIELD_AUTO_HIGHLIGHTS "auto_highlights"
#define AAI_FIELD_BOOST_PARAM "boost_param"
#define AAI_FIELD_CONTENT_SAFETY "content_safety"
#define AAI_FIELD_CONTENT_SAFETY_CONFIDENCE "content_safety_confidence"
#define AAI_FIELD_CUSTOM_SPELLING "custom_spelling"
#define AAI_FIELD_CUSTOM_TOPICS "custom_topics"
#define AAI_FIELD_DISFLUENCIES "disfluencies"
#define AAI_FIELD_DOMAIN "domain"
#define AAI_FIELD_DUAL_CHANNEL "dual_channel"
#define AAI_FIELD_ENTITY_DETECTION "entity_detection"
#define AAI_FIELD_FILTER_PROFANITY "filter_profanity"
#define AAI_FIELD_FORMAT_TEXT "format_text"
#define AAI_FIELD_IAB_CATEGORIES "iab_categories"
#define AAI_FIELD_KEYTERMS_PROMPT "keyterms_prompt"
#define AAI_FIELD_KEYTERMS_PROMPT_OPTIONS "keyterms_prompt_options"
#define AAI_FIELD_LANGUAGE_CODE "language_code"
#define AAI_FIELD_LANGUAGE_CODES "language_codes"
#define AAI_FIELD_LANGUAGE_CONFIDENCE_THRESHOLD "language_confidence_threshold"
#define AAI_FIELD_LANGUAGE_DETECTION "language_detection"
#define AAI_FIELD_LANGUAGE_DETECTION_OPTIONS "language_detection_options"
#define AAI_FIELD_MULTICHANNEL "multichannel"
#define AAI_FIELD_PROMPT "prompt"
#define AAI_FIELD_PUNCTUATE "punctuate"
#define AAI_FIELD_REDACT_PII "redact_pii"
#define AAI_FIELD_REDACT_PII_AUDIO "redact_pii_audio"
#define AAI_FIELD_REDACT_PII_AUDIO_OPTIONS "redact_pii_audio_options"
#define AAI_FIELD_REDACT_PII_AUDIO_QUALITY "redact_pii_audio_quality"
#define AAI_FIELD_REDACT_PII_POLICIES "redact_pii_policies"
#define AAI_FIELD_REDACT_PII_RETURN_UNREDACTED "redact_pii_return_unredacted"
#define AAI_FIELD_REDACT_PII_SUB "redact_pii_sub"
#define AAI_FIELD_REMOVE_AUDIO_TAGS "remove_audio_tags"
#define AAI_FIELD_SENTIMENT_ANALYSIS "sentiment_analysis"
#define AAI_FIELD_SPEAKER_LABELS "speaker_labels"
#define AAI_FIELD_SPEAKER_OPTIONS "speaker_options"
#define AAI_FIELD_SPEAKERS_EXPECTED "speakers_expected"
#define AAI_FIELD_SPEECH_MODEL "speech_model"
#define AAI_FIELD_SPEECH_MODELS "speech_models"
#define AAI_FIELD_SPEECH_THRESHOLD "speech_threshold"
#define AAI_FIELD_SPEECH_UNDERSTANDING "speech_understanding"
#define AAI_FIELD_SUMMARIZATION "summarization"
#define AAI_FIELD_SUMMARY_MODEL "summary_model"
#define AAI_FIELD_SUMMARY_TYPE "summary_type"
#define AAI_FIELD_TEMPERATURE "temperature"
#define AAI_FIELD_TOPICS "topics"
#define AAI_FIELD_WEBHOOK_AUTH_HEADER_NAME "webhook_auth_header_name"
#define AAI_FIELD_WEBHOOK_AUTH_HEADER_VALUE "webhook_auth_header_value"
#define AAI_FIELD_WEBHOOK_URL "webhook_url"
#define AAI_FIELD_WORD_BOOST "word_boost"

/** Typed setters by field name. The field must be one the library knows (the list above);
    the value is checked against the API spec: its type, range (e.g. content_safety_confidence
    25..100) and allowed values (e.g. redact_pii_sub "entity_name" or "hash"). A violation is
    AAI_ERR_INVALID_ARGUMENT with a message naming the field. For a field the library does not
    know yet, use aai_config_set_json(). */
aai_status aai_config_set_bool(aai_config *config, const char *field, int value);
aai_status aai_config_set_int(aai_config *config, const char *field, int64_t value);
aai_status aai_config_set_double(aai_config *config, const char *field, double value);
aai_status aai_config_set_string(aai_config *config, const char *field, const char *value);
/** Sets a field that is an array of strings (word_boost, keyterms_prompt, topics,
    redact_pii_policies, speech_models, language_codes, ...) to `count` strings. */
aai_status aai_config_set_strings(aai_config *config, const char *field, const char *const *values, size_t count);

/** Removes a field (known or not), so the API's default applies. */
aai_status aai_config_unset(aai_config *config, const char *field);

/** Checks the rules that span fields (audio_end_at after audio_start_from, redact_pii with at
    least one policy, ...). Submitting calls it too, before anything is uploaded or sent. */
aai_status aai_config_validate(const aai_config *config);

/* --- The official SDK's helper setters ------------------------------------------------ */

/** Sets punctuate and format_text together. */
aai_status aai_config_set_casing_and_formatting(aai_config *config, int enabled);

/** speaker_labels, and speakers_expected (0: let the model decide; otherwise >= 1). */
aai_status aai_config_set_speaker_diarization(aai_config *config, int enabled, int speakers_expected);

/** webhook_url with an optional auth header sent with each notification (give both name and
    value, or neither). A NULL url removes all three fields. */
aai_status aai_config_set_webhook(aai_config *config, const char *url,
                                  const char *auth_header_name, const char *auth_header_value);

/** Transcribes only [start_ms, end_ms) of the audio (audio_start_from, audio_end_at); -1 leaves
    that end open. end_ms must be after start_ms. */
aai_status aai_config_set_audio_slice(aai_config *config, int64_t start_ms, int64_t end_ms);

/** word_boost (the January 2025 API; today's uses keyterms_prompt) with boost_param
    ("low", "default", "high"; NULL for the API's default). count 0 removes both. */
aai_status aai_config_set_word_boost(aai_config *config, const char *const *words, size_t count,
                                     const char *boost_param);

/** PII redaction: redact_pii with its policies (at least one, e.g. "person_name",
    "phone_number"), redact_pii_sub ("hash" or "entity_name"; NULL: the API's default),
    redact_pii_audio (1, 0, or -1 to leave unset) and redact_pii_audio_quality ("mp3", "wav" or
    NULL). enabled 0 removes every redaction field. */
aai_status aai_config_set_redact_pii(aai_config *config, int enabled, const char *const *policies, size_t count,
                                     const char *substitution, int redact_audio, const char *audio_quality);

/** content_safety with content_safety_confidence (25..100; 0 for the API's default of 50). */
aai_status aai_config_set_content_safety(aai_config *config, int enabled, int confidence);

/** summarization with summary_model ("informative", "conversational", "catchy") and
    summary_type ("bullets", "bullets_verbose", "gist", "headline", "paragraph"); NULL for the
    API's defaults. enabled 0 removes all three fields. */
aai_status aai_config_set_summarization(aai_config *config, int enabled, const char *model, const char *type);

/** Adds a custom_spelling rule: each of the `count` words in `from` is written as `to`.
    Remove all rules with aai_config_unset(config, AAI_FIELD_CUSTOM_SPELLING). */
aai_status aai_config_add_custom_spelling(aai_config *config, const char *const *from, size_t count, const char *to);

/* --- Fields of the official SDK 1.8.2 and of today's spec ------------------------------
   domain, redact_pii_return_unredacted and keyterms_prompt_options, and the speaker_options and
   language_detection_options sub-fields below, are sent by the official SDK 1.8.2 but not yet
   listed in the newest API spec (libassemblyai's addendum: spec/openapi-latest-additions.yml).
   Each call checks every value and, on an error, leaves the config unchanged. */

/** speech_models: the models to try, in priority order (the API routes the audio to the first
    available one), e.g. {"universal-3-5-pro", "universal-2"}. This is how today's API chooses the
    model: its newest spec lists speech_models as required (the January 2025 one did not have it);
    like the official SDK, the library sends it only when set. Each name non-empty without spaces,
    none twice; count 0 removes the field. */
aai_status aai_config_set_speech_models(aai_config *config, const char *const *models, size_t count);

/** domain: a domain hint for the model (e.g. "medical-v1"). NULL removes it; "" is an error. */
aai_status aai_config_set_domain(aai_config *config, const char *domain);

/** redact_pii_return_unredacted (1 or 0): with PII redaction, return the unredacted text too. */
aai_status aai_config_set_redact_pii_return_unredacted(aai_config *config, int enabled);

/** keyterms_prompt_options.keyterms_match_strength: "high" or "standard". NULL removes the object. */
aai_status aai_config_set_keyterms_prompt_options(aai_config *config, const char *match_strength);

/** speaker_options: min_speakers_expected and max_speakers_expected (>= 1, min <= max; 0 leaves
    one out), use_two_stage_clustering (1, 0, or -1 to leave out), short_file_diarization_method
    ("deliberate", "balanced", "conservative", "aggressive"; NULL leaves out) and
    long_file_diarization_method ("standard", "experimental"; NULL leaves out). Replaces the
    whole object; with every argument left out it removes it. */
aai_status aai_config_set_speaker_options(aai_config *config, int min_speakers, int max_speakers,
                                          int use_two_stage_clustering, const char *short_file_method,
                                          const char *long_file_method);

/** language_detection_options: expected_languages (`count` codes; 0 leaves out),
    fallback_language (NULL leaves out; "auto" lets the model choose among the expected ones),
    code_switching (1, 0, or -1 to leave out), code_switching_confidence_threshold (0..1, or -1 to
    leave out), on_low_language_confidence ("error" or "fallback"; NULL leaves out) and
    swiss_german (1, 0, -1). Replaces the whole object; with everything left out it removes it.
    Language detection itself is AAI_FIELD_LANGUAGE_DETECTION. */
aai_status aai_config_set_language_detection_options(aai_config *config, const char *const *expected_languages,
                                                     size_t count, const char *fallback_language, int code_switching,
                                                     double code_switching_confidence_threshold,
                                                     const char *on_low_language_confidence, int swiss_german);

/* ======================================================================================
 * Transcripts
 * ==================================================================================== */

/** A transcript as the server returned it. Immutable and thread-safe. Owned by the caller:
    release it with aai_transcript_free(). Borrowed strings and arrays taken from it stay
    valid until then. */
typedef struct aai_transcript aai_transcript;

/** The status of a transcript (TranscriptStatus in the API). */
typedef enum aai_transcript_status {
    AAI_TRANSCRIPT_QUEUED = 0,
    AAI_TRANSCRIPT_PROCESSING = 1,
    AAI_TRANSCRIPT_COMPLETED = 2,
    AAI_TRANSCRIPT_ERROR = 3,
    AAI_TRANSCRIPT_UNKNOWN = -1    /* Not a transcript handle, or a status this version does not know. */
} aai_transcript_status;

/** One recognised word. Times are milliseconds from the start of the audio. */
typedef struct aai_word {
    const char *text;        /* The word, UTF-8. */
    int64_t start;           /* Start time in ms. */
    int64_t end;             /* End time in ms. */
    double confidence;       /* 0.0 to 1.0. */
    const char *speaker;     /* Speaker label ("A", "B", ...) or NULL without speaker_labels. */
    const char *channel;     /* Channel ("1", "2", ...) or NULL without multichannel. */
} aai_word;

/** Releases a transcript. NULL is a no-op. */
void aai_transcript_free(aai_transcript *transcript);

/** The transcript's id. Borrowed. NULL for an invalid handle. */
const char *aai_transcript_id(const aai_transcript *transcript);

/** The transcript's status; AAI_TRANSCRIPT_UNKNOWN for an invalid handle. */
aai_transcript_status aai_transcript_get_status(const aai_transcript *transcript);

/** The status as the server spelled it ("queued", "processing", "completed", "error").
    Borrowed. NULL for an invalid handle. */
const char *aai_transcript_status_text(const aai_transcript *transcript);

/** The transcript's text. Borrowed. NULL while not completed, or for an invalid handle. */
const char *aai_transcript_text(const aai_transcript *transcript);

/** The server's error text when the status is AAI_TRANSCRIPT_ERROR. Borrowed. NULL otherwise. */
const char *aai_transcript_error(const aai_transcript *transcript);

/** The audio_url the transcript was made from. Borrowed. NULL if absent. */
const char *aai_transcript_audio_url(const aai_transcript *transcript);

/** The audio's duration in seconds, or -1 when not known (not completed, invalid handle). */
double aai_transcript_audio_duration(const aai_transcript *transcript);

/** The transcript's confidence (0.0 to 1.0), or -1 when not known. */
double aai_transcript_confidence(const aai_transcript *transcript);

/** The words of the transcript as one array: *words points to *count consecutive
    aai_word structs. Walk them without further calls. Borrowed: the array and its strings
    stay valid until the transcript is freed. A transcript without words gives *count 0
    and *words NULL, whether the server sent `"words": []` or `null` (tell them apart with
    aai_transcript_get_json(t, "/words", ...)). Built once on first use, then shared. */
aai_status aai_transcript_words(const aai_transcript *transcript, const aai_word **words, size_t *count);

/** The whole transcript as the server sent it (JSON, UTF-8, not NUL-terminated inside:
    *json points to *length bytes followed by a NUL). Every field of the API is reachable
    here, including fields this version of the library does not know. Borrowed. */
aai_status aai_transcript_json(const aai_transcript *transcript, const char **json, size_t *length);

/** One value of the transcript, addressed by a JSON Pointer (RFC 6901), e.g.
    "/words/0/text" or "/summary", as JSON text. A pointer that names nothing is
    AAI_ERR_NOT_FOUND. Owned by the caller: release *out with aai_string_free(). */
aai_status aai_transcript_get_json(const aai_transcript *transcript, const char *json_pointer, char **out);

/* ======================================================================================
 * Transcriber: upload, transcribe, submit, wait, get, delete
 * ==================================================================================== */

/** A transcriber makes transcription calls through a client, with a default config that
    each call may replace. Thread-safe. */
typedef struct aai_transcriber aai_transcriber;

/** Upload progress: bytes sent so far and the total (0 when the total is unknown).
    Called at least once per percent and once at the end, on the calling thread. Return 0
    to continue, non-zero to cancel the upload (the call then returns AAI_ERR_CANCELLED). */
typedef int (*aai_progress_callback)(uint64_t bytes_sent, uint64_t bytes_total, void *user_data);

/** Reads up to `capacity` bytes of a stream into `buffer`. Returns the number of bytes
    read, 0 at the end of the stream, or -1 on an error (the upload fails with AAI_ERR_IO). */
typedef int64_t (*aai_read_callback)(void *buffer, size_t capacity, void *user_data);

/** Creates a transcriber that calls through `client` (which it keeps alive) with a copy of
    `default_config` (NULL: an empty config). Owned by the caller: release it with
    aai_transcriber_free(). */
aai_status aai_transcriber_new(aai_client *client, const aai_config *default_config, aai_transcriber **out);

/** Releases a transcriber. NULL is a no-op. */
void aai_transcriber_free(aai_transcriber *transcriber);

/** Sets the progress callback used by every upload this transcriber makes (including
    those of aai_transcriber_transcribe_file() and friends). NULL removes it. */
aai_status aai_transcriber_set_progress_callback(aai_transcriber *transcriber,
                                                 aai_progress_callback callback, void *user_data);

/** Uploads a local file, streamed from disk in constant memory, and gives the URL to
    transcribe it from. A missing or unreadable file is AAI_ERR_IO with the path in the
    message. *upload_url is owned by the caller: release it with aai_string_free(). */
aai_status aai_transcriber_upload_file(aai_transcriber *transcriber, const char *path, char **upload_url);

/** Uploads `size` bytes from memory (not copied: they must stay valid during the call).
    `size` 0 is AAI_ERR_INVALID_ARGUMENT: the API rejects empty audio. */
aai_status aai_transcriber_upload_bytes(aai_transcriber *transcriber, const void *data, size_t size,
                                        char **upload_url);

/** Uploads a stream read through `read` until it returns 0. `total_size` is the stream's
    exact length when known (sent as Content-Length, and the total given to progress), or 0
    when unknown (the body is then sent chunked). A stream that gives more or fewer bytes than a
    non-zero `total_size` fails the upload with AAI_ERR_INVALID_ARGUMENT, never a silently cut
    upload. A stream cannot be re-read, so a failed stream upload is not retried. */
aai_status aai_transcriber_upload_stream(aai_transcriber *transcriber, aai_read_callback read,
                                         void *read_user_data, uint64_t total_size, char **upload_url);

/** Creates a transcript for audio at a URL and returns at once, with the transcript in its
    first state (usually queued). `config` NULL uses the transcriber's default config.
    *out is owned by the caller. */
aai_status aai_transcriber_submit_url(aai_transcriber *transcriber, const char *audio_url,
                                      const aai_config *config, aai_transcript **out);

/** Uploads a local file, then submits it as aai_transcriber_submit_url() does. */
aai_status aai_transcriber_submit_file(aai_transcriber *transcriber, const char *path,
                                       const aai_config *config, aai_transcript **out);

/** Uploads bytes from memory, then submits them as aai_transcriber_submit_url() does. */
aai_status aai_transcriber_submit_bytes(aai_transcriber *transcriber, const void *data, size_t size,
                                        const aai_config *config, aai_transcript **out);

/** Transcribes audio at a URL: submits it, then waits as aai_transcriber_wait() does.
    A transcript that ends in "error" gives AAI_ERR_TRANSCRIPT with the server's error
    text, and *out is still set to it. Once the transcript was created, every failure of the
    wait (deadline, connection, HTTP) also sets *out to it as last seen, so its id is never
    lost: free *out whenever it is not NULL. */
aai_status aai_transcriber_transcribe_url(aai_transcriber *transcriber, const char *audio_url,
                                          const aai_config *config, aai_transcript **out);

/** Uploads a local file, then transcribes it as aai_transcriber_transcribe_url() does. */
aai_status aai_transcriber_transcribe_file(aai_transcriber *transcriber, const char *path,
                                           const aai_config *config, aai_transcript **out);

/** Uploads bytes from memory, then transcribes them as aai_transcriber_transcribe_url() does. */
aai_status aai_transcriber_transcribe_bytes(aai_transcriber *transcriber, const void *data, size_t size,
                                            const aai_config *config, aai_transcript **out);

/** Polls a transcript every polling interval until it is completed or error.
    Completed: AAI_OK. Error: AAI_ERR_TRANSCRIPT with the server's text. The client's
    polling deadline passed: AAI_ERR_TIMEOUT. In all three cases *out is set to the
    transcript as last seen (owned by the caller), so the id is never lost. On other
    failures (connection, HTTP) *out is set to the transcript as last seen when it was
    fetched at least once, and left untouched when the first fetch failed. */
aai_status aai_transcriber_wait(aai_transcriber *transcriber, const char *transcript_id, aai_transcript **out);

/** Fetches a transcript by id, whatever its status. Unknown id: AAI_ERR_NOT_FOUND. */
aai_status aai_transcriber_get(aai_transcriber *transcriber, const char *transcript_id, aai_transcript **out);

/** Deletes a transcript's content on the server. *out (may be NULL if not wanted) receives
    the transcript as the server returns it after deletion. */
aai_status aai_transcriber_delete(aai_transcriber *transcriber, const char *transcript_id, aai_transcript **out);

/* ======================================================================================
 * LeMUR and the LLM Gateway: asking questions of transcripts
 * ==================================================================================== */

/** Sets the LLM Gateway's base URL (it lives on its own host). Default: derived from the base
    URL: "https://llm-gateway.eu.assemblyai.com" when that is the EU host
    "https://api.eu.assemblyai.com" (EU data stays in the EU), else
    "https://llm-gateway.assemblyai.com". Same rules as aai_client_set_base_url(). */
aai_status aai_client_set_llm_gateway_base_url(aai_client *client, const char *base_url);

/** Sets the time limit of LeMUR and LLM Gateway requests in milliseconds (default 600000:
    generating an answer takes far longer than a REST call). */
aai_status aai_client_set_llm_timeout_ms(aai_client *client, long timeout_ms);

/** Model names of LeMUR's final_model (LemurModel in the API). Any other string is accepted too,
    for models newer than this library. */
#define AAI_LEMUR_MODEL_DEFAULT "default"
#define AAI_LEMUR_MODEL_CLAUDE_3_5_SONNET "anthropic/claude-3-5-sonnet"
#define AAI_LEMUR_MODEL_CLAUDE_3_OPUS "anthropic/claude-3-opus"
#define AAI_LEMUR_MODEL_CLAUDE_3_HAIKU "anthropic/claude-3-haiku"
#define AAI_LEMUR_MODEL_CLAUDE_3_SONNET "anthropic/claude-3-sonnet"

/** The parameters LeMUR calls share: transcripts or input text, context, final model, maximum
    output size, temperature. Thread-safe like aai_config. Free with aai_lemur_params_free(). */
typedef struct aai_lemur_params aai_lemur_params;

aai_status aai_lemur_params_new(aai_lemur_params **out);
void aai_lemur_params_free(aai_lemur_params *params);
/** Adds a transcript to ask about (transcript_ids). */
aai_status aai_lemur_params_add_transcript_id(aai_lemur_params *params, const char *transcript_id);
/** Asks about this text instead of transcripts (input_text). */
aai_status aai_lemur_params_set_input_text(aai_lemur_params *params, const char *text);
/** Context for the model (context). */
aai_status aai_lemur_params_set_context(aai_lemur_params *params, const char *context);
/** The model (final_model): an AAI_LEMUR_MODEL_* name or any other string. */
aai_status aai_lemur_params_set_final_model(aai_lemur_params *params, const char *model);
/** max_output_size (> 0). */
aai_status aai_lemur_params_set_max_output_size(aai_lemur_params *params, int max_output_size);
/** temperature (0.0 to 1.0). */
aai_status aai_lemur_params_set_temperature(aai_lemur_params *params, double temperature);
/** Merges a JSON object, as aai_config_set_json() does (for fields this library does not know). */
aai_status aai_lemur_params_set_json(aai_lemur_params *params, const char *json_object);

/** One question of a question-answer request. answer_options may be NULL (count 0). */
typedef struct aai_lemur_question {
    const char *question;
    const char *context;              /* NULL: none */
    const char *answer_format;        /* NULL: none */
    const char *const *answer_options;
    size_t answer_option_count;
} aai_lemur_question;

/** One answer of a question-answer response. */
typedef struct aai_lemur_answer {
    const char *question;
    const char *answer;
} aai_lemur_answer;

/** A LeMUR response. Immutable; free with aai_lemur_response_free(). */
typedef struct aai_lemur_response aai_lemur_response;

/** A custom task: `prompt` applied to the transcripts or input text of `params`. Neither
    transcripts nor input text, or an empty prompt: AAI_ERR_INVALID_ARGUMENT before sending. */
aai_status aai_lemur_task(aai_client *client, const aai_lemur_params *params, const char *prompt, aai_lemur_response **out);
/** A summary; `answer_format` (e.g. "TLDR") may be NULL. */
aai_status aai_lemur_summary(aai_client *client, const aai_lemur_params *params, const char *answer_format, aai_lemur_response **out);
/** Action items; `answer_format` may be NULL. */
aai_status aai_lemur_action_items(aai_client *client, const aai_lemur_params *params, const char *answer_format,
                                  aai_lemur_response **out);
/** Answers to `count` questions. */
aai_status aai_lemur_question_answer(aai_client *client, const aai_lemur_params *params, const aai_lemur_question *questions,
                                     size_t count, aai_lemur_response **out);
/** A previous response by its request id. Unknown id: AAI_ERR_NOT_FOUND. */
aai_status aai_lemur_get_response(aai_client *client, const char *request_id, aai_lemur_response **out);
/** Deletes the data of a LeMUR request; *deleted (may be NULL) tells whether it was deleted. */
aai_status aai_lemur_purge_request_data(aai_client *client, const char *request_id, int *deleted);

/** The response's request id. Borrowed; NULL for an invalid handle. */
const char *aai_lemur_response_request_id(const aai_lemur_response *response);
/** The answer text of a task, summary or action-items response. Borrowed; NULL for a
    question-answer response (use aai_lemur_response_answers()). */
const char *aai_lemur_response_text(const aai_lemur_response *response);
/** The answers of a question-answer response as one array. Borrowed. */
aai_status aai_lemur_response_answers(const aai_lemur_response *response, const aai_lemur_answer **answers, size_t *count);
/** Token usage (either pointer may be NULL); -1 when the server did not say. */
aai_status aai_lemur_response_usage(const aai_lemur_response *response, int64_t *input_tokens, int64_t *output_tokens);
/** The whole response as JSON (NUL-terminated; borrowed). */
aai_status aai_lemur_response_json(const aai_lemur_response *response, const char **json, size_t *length);
/** Releases a response. NULL is a no-op. */
void aai_lemur_response_free(aai_lemur_response *response);

/** A chat completion request to the LLM Gateway. Free with aai_llm_request_free(). */
typedef struct aai_llm_request aai_llm_request;

/** Creates a request for `model` (e.g. "claude-sonnet-4-5-20250929", "gpt-4.1"). */
aai_status aai_llm_request_new(const char *model, aai_llm_request **out);
void aai_llm_request_free(aai_llm_request *request);
/** Appends a message; role is "system", "user" or "assistant". */
aai_status aai_llm_request_add_message(aai_llm_request *request, const char *role, const char *content);
/** Appends the result of a tool call the model asked for. */
aai_status aai_llm_request_add_tool_result(aai_llm_request *request, const char *tool_call_id, const char *content);
/** A plain prompt (the API turns it into a user message). */
aai_status aai_llm_request_set_prompt(aai_llm_request *request, const char *prompt);
/** max_tokens (>= 1). */
aai_status aai_llm_request_set_max_tokens(aai_llm_request *request, int max_tokens);
/** temperature (0.0 to 2.0). */
aai_status aai_llm_request_set_temperature(aai_llm_request *request, double temperature);
/** Declares a function the model may call. parameters_schema is a JSON Schema object as text,
    or NULL. */
aai_status aai_llm_request_add_tool(aai_llm_request *request, const char *name, const char *description,
                                    const char *parameters_schema);
/** Adds a transcript as context (a system message): its text, or one "Speaker X: ..." line per
    utterance when with_speakers is non-zero and it has utterances. */
aai_status aai_llm_request_add_transcript(aai_llm_request *request, const aai_transcript *transcript, int with_speakers);
/** Merges a JSON object into the request (tool_choice, response_format, any newer field). */
aai_status aai_llm_request_set_json(aai_llm_request *request, const char *json_object);

/** One tool call the model asked for. */
typedef struct aai_llm_tool_call {
    const char *id;
    const char *name;
    const char *arguments;   /* JSON text */
} aai_llm_tool_call;

/** An LLM Gateway response. Immutable; free with aai_llm_response_free(). */
typedef struct aai_llm_response aai_llm_response;

/** Sends a chat completion (POST /v1/chat/completions on the gateway's host). A request with
    neither messages nor prompt: AAI_ERR_INVALID_ARGUMENT before sending. */
aai_status aai_llm_chat_completion(aai_client *client, const aai_llm_request *request, aai_llm_response **out);
/** A speech understanding task (POST /v1/understanding): `speech_understanding` is the task
    object as JSON text, e.g. {"request": {"translation": {"target_languages": ["de"]}}}. */
aai_status aai_llm_understanding(aai_client *client, const char *transcript_id, const char *speech_understanding,
                                 aai_llm_response **out);

/** The text of the first choice's message. Borrowed; NULL when there is none. */
const char *aai_llm_response_text(const aai_llm_response *response);
/** The first choice's finish_reason ("stop", "tool_calls", ...). Borrowed; NULL when absent. */
const char *aai_llm_response_finish_reason(const aai_llm_response *response);
/** The tool calls of the first choice as one array. Borrowed. */
aai_status aai_llm_response_tool_calls(const aai_llm_response *response, const aai_llm_tool_call **calls, size_t *count);
/** The request id. Borrowed; NULL when absent. */
const char *aai_llm_response_request_id(const aai_llm_response *response);
/** Token usage (any pointer may be NULL); -1 when the server did not say. */
aai_status aai_llm_response_usage(const aai_llm_response *response, int64_t *input_tokens, int64_t *output_tokens,
                                  int64_t *total_tokens);
/** The whole response as JSON (NUL-terminated; borrowed). */
aai_status aai_llm_response_json(const aai_llm_response *response, const char **json, size_t *length);
/** Releases a response. NULL is a no-op. */
void aai_llm_response_free(aai_llm_response *response);

/* --- LLM Gateway: structured output and streamed completions ---------------------------
 *
 * Structured output. aai_llm_request_set_response_format_json_schema() sets the request's
 * response_format to {"type": "json_schema", "json_schema": {"name", "schema", "strict"}}: the
 * answer's text (aai_llm_response_text(), or the streamed content joined) is then JSON that
 * matches the schema. Parse it with any JSON parser.
 *
 * Streaming. aai_llm_chat_completion_stream() sends the request with "stream": true and hands
 * each piece of the answer to a callback as the gateway sends it (Server-Sent Events, one
 * "chat.completion.chunk" per event, ended by "data: [DONE]"; the API streams OpenAI models).
 * Each call of the callback is one choice of one chunk (an aai_llm_stream_event): a piece of
 * text, fragments of tool calls, the finish reason on the choice's last chunk, and the token
 * usage on the chunk that carries it (the last one, with choice_index -1, when the server sends
 * one without choices). When the stream ends, *out is the response the same request would have
 * had without streaming (the first choice's text joined, its finish reason and tool calls,
 * the usage), read with the aai_llm_response_* functions.
 *
 * Faults. A 429 before anything streamed is retried (Retry-After honoured, up to the client's
 * retry count); nothing else is retried, since the server may have received the request. A
 * stream cut by the network, or that ends without "data: [DONE]", fails with
 * AAI_ERR_CONNECTION and HTTP status 200; an event that is not valid JSON with
 * AAI_ERR_PROTOCOL; an error event from the gateway with AAI_ERR_SERVER. The deltas delivered
 * before a failure stay delivered, none twice: the answer is incomplete and the request must be
 * sent again as a whole. A 200 answer that is plain JSON (a model that does not stream) is
 * delivered as one event per choice. Time limits: connecting, the client's HTTP timeout; each
 * wait for data, the LLM timeout (aai_client_set_llm_timeout_ms()): a stall, not the whole
 * answer.
 *
 * Threads. The blocking call runs the callback on the calling thread; the _async variant (in
 * "Non-blocking calls") on a worker thread. Every pointer in an event is valid only during the
 * callback: copy what you keep. A callback must not block for long and must not free the
 * client it runs under; it may call any other aai_* function.
 */

/** Asks for structured output: response_format {"type": "json_schema", "json_schema": {"name":
    name, "schema": <schema_json>, "strict": strict}}. `schema_json` is a JSON Schema object as
    text. strict: 1 true, 0 false, -1 leaves it out (the API's default, false). Replaces an
    earlier response_format. An empty name, a schema that is not a JSON object, or another
    strict value: AAI_ERR_INVALID_ARGUMENT. The strings are copied. */
aai_status aai_llm_request_set_response_format_json_schema(aai_llm_request *request, const char *name,
                                                           const char *schema_json, int strict);

/** A fragment of a tool call in a stream: the provider sends id, type and name once, then the
    JSON arguments in pieces under the same index; join the pieces of one index in order. Any
    member may be NULL. */
typedef struct aai_llm_tool_call_delta {
    int index;
    const char *id;
    const char *type;
    const char *name;
    const char *arguments;   /* the next piece of the arguments' JSON text */
} aai_llm_tool_call_delta;

/** One piece of a streamed answer (one choice of one chunk). Strings are NULL when the chunk
    does not carry them; token counts are -1 unless this event carries the usage. Everything is
    borrowed for the duration of the callback. */
typedef struct aai_llm_stream_event {
    int choice_index;                        /* choices[i].index; -1 for a chunk without choices */
    const char *id;                          /* the chunk's id */
    const char *model;
    const char *role;                        /* usually only on the first chunk */
    const char *content;                     /* the next piece of text */
    const char *finish_reason;               /* "stop", "length", "tool_calls", ... on the last chunk */
    const aai_llm_tool_call_delta *tool_calls;
    size_t tool_call_count;
    int64_t prompt_tokens;
    int64_t completion_tokens;
    int64_t total_tokens;
    const char *chunk_json;                  /* the whole chunk as the server sent it */
    int chunk_index;                         /* 0, 1, ...: the chunk this piece is of (a chunk's pieces come together) */
    int last_in_chunk;                       /* 1 on the chunk's last piece */
    int64_t received_ns;                     /* when the library read the chunk's last byte from the
                                                socket, in ns on CLOCK_MONOTONIC (compare with
                                                clock_gettime() in the callback for the delivery
                                                latency); 0 for an answer that was not streamed */
} aai_llm_stream_event;

/** Receives each piece of a streamed answer. Return 0 to go on, non-zero to stop: the call then
    fails with AAI_ERR_CANCELLED. */
typedef int (*aai_llm_stream_callback)(const aai_llm_stream_event *event, void *user_data);

/** Sends a chat completion with "stream": true (POST /v1/chat/completions on the gateway's
    host) and calls `on_event` (not NULL) with `user_data` for each piece, on the calling
    thread, as it arrives. Returns when the stream ended with "data: [DONE]"; *out (may be NULL;
    owned by the caller: aai_llm_response_free()) is then the assembled response. Errors as
    the section above says; a request with neither messages nor prompt:
    AAI_ERR_INVALID_ARGUMENT before sending. */
aai_status aai_llm_chat_completion_stream(aai_client *client, const aai_llm_request *request,
                                          aai_llm_stream_callback on_event, void *user_data, aai_llm_response **out);

/* --- LLM Gateway: the models it offers ---------------------------------------------------
 *
 * aai_llm_list_models() asks the gateway which models it offers (GET /v1/models on the gateway's
 * host, the official SDK 1.8.2's LLMGateway().models.list()): the fields a program chooses by are
 * typed in aai_llm_model; everything else (pricing, providers, default parameters) is in each
 * model's `json`, and the whole answer in aai_llm_model_list_json(). Idempotent: retried like
 * every GET (429 with Retry-After, 5xx, connection failures).
 */

/** One model of the LLM Gateway. Every pointer is borrowed from its list. */
typedef struct aai_llm_model {
    const char *id;                       /* the name to pass as the request's model; NULL if absent */
    const char *name;                     /* display name; NULL if absent */
    const char *description;              /* NULL if absent */
    const char *creator;                  /* e.g. "anthropic"; NULL if absent */
    int64_t context_length;               /* tokens; -1 when the gateway did not say */
    int64_t retirement_date;              /* Unix time; 0 when not retiring; -1 when not said */
    const char *const *available_regions; /* region_count strings ("us", "eu", ...) */
    size_t region_count;
    const char *default_provider;         /* the default provider's id; NULL if absent */
    const char *json;                     /* the model's object as JSON text (NUL-terminated) */
} aai_llm_model;

/** The models the gateway offers. Immutable; free with aai_llm_model_list_free(). */
typedef struct aai_llm_model_list aai_llm_model_list;

/** Asks the LLM Gateway for its models (GET /v1/models). On success *out is a list the caller
    owns. An answer that is not a JSON object: AAI_ERR_PROTOCOL. Thread-safe. */
aai_status aai_llm_list_models(aai_client *client, aai_llm_model_list **out);
/** The models, in the gateway's order: *count structs at *models (NULL when 0), borrowed from
    the list. */
aai_status aai_llm_model_list_models(const aai_llm_model_list *list, const aai_llm_model **models, size_t *count);
/** The whole answer as JSON (NUL-terminated; borrowed). */
aai_status aai_llm_model_list_json(const aai_llm_model_list *list, const char **json, size_t *length);
/** Releases a list. NULL is a no-op. */
void aai_llm_model_list_free(aai_llm_model_list *list);

/* ======================================================================================
 * Transcript results: utterances and audio intelligence
 * ==================================================================================== */
/* (section: results) */
/* Reading the results. Every array below comes back as one block of structs that the caller
   walks without further calls (a 100k-word transcript costs one call, not one per field per
   word). The structs, the arrays they point to and their strings are borrowed from the
   transcript: valid until the transcript is freed, never freed by the caller. Each array is
   built once, on first use, and later calls return the same pointer (thread-safe).
   A feature that was not requested, or a transcript that is not completed yet, gives AAI_OK
   with *count 0 and the array pointer NULL, as an empty result does (tell them apart with
   the feature's *_status function or aai_transcript_get_json()). Inside a struct, a string
   documented "or NULL" is NULL when the server did not send it (or sent null); every other
   string is "" then. A missing number is 0 unless said otherwise. Times are milliseconds from
   the start of the audio. Fields the structs do not carry are in the JSON:
   aai_transcript_get_json(t, "/utterances/0/translated_texts", &out). */

/** Makes a transcript handle from a transcript's JSON text: one stored earlier (see
    aai_transcript_json()), or a GET /v2/transcript/{id} answer received by other means.
    `json` points to `length` bytes (no NUL needed). It must be a JSON object with a string
    "id" and "status"; anything else is AAI_ERR_INVALID_ARGUMENT (the message gives the
    position of a syntax error). *out is owned by the caller: release it with
    aai_transcript_free(). */
aai_status aai_transcript_from_json(const char *json, size_t length, aai_transcript **out);

/** A span of the audio (Timestamp in the API), in milliseconds. */
typedef struct aai_timestamp {
    int64_t start;
    int64_t end;
} aai_timestamp;

/** One entry of a map keyed by label: the summaries of content moderation (label to
    confidence) and topic detection (topic to relevance), and the labels of a topic
    detection result (topic to relevance). */
typedef struct aai_label_score {
    const char *label;       /* "disasters", "NewsAndPolitics>Weather", ... */
    double score;            /* 0.0 to 1.0. */
} aai_label_score;

/** One turn of one speaker (TranscriptUtterance in the API), with its words. */
typedef struct aai_utterance {
    const char *text;        /* The utterance's text. */
    int64_t start;           /* Start time in ms. */
    int64_t end;             /* End time in ms. */
    double confidence;       /* 0.0 to 1.0. */
    const char *speaker;     /* Speaker label ("A", "B", ...), or NULL. */
    const char *channel;     /* Channel ("1", "2", ...) or NULL without multichannel. */
    const aai_word *words;   /* The utterance's words: word_count structs (NULL if none). */
    size_t word_count;
} aai_utterance;

/** The utterances (with speaker_labels or multichannel): *count structs at *utterances, each
    pointing to its own words (memory shared by all utterances of the transcript). Borrowed,
    valid until the transcript is freed, built once; NULL/0 when there are none. */
aai_status aai_transcript_utterances(const aai_transcript *transcript, const aai_utterance **utterances,
                                     size_t *count);

/** A chapter made by auto_chapters (Chapter in the API). */
typedef struct aai_chapter {
    const char *gist;        /* A few words. */
    const char *headline;    /* One sentence. */
    const char *summary;     /* One paragraph. */
    int64_t start;           /* Start time in ms. */
    int64_t end;             /* End time in ms. */
} aai_chapter;

/** The chapters (auto_chapters), in temporal order. Borrowed, valid until the transcript is
    freed, built once; NULL/0 when not requested. */
aai_status aai_transcript_chapters(const aai_transcript *transcript, const aai_chapter **chapters, size_t *count);

/** A sentence's sentiment (Sentiment in the API). */
typedef enum aai_sentiment_kind {
    AAI_SENTIMENT_UNKNOWN = -1,    /* A value this version does not know: read the string. */
    AAI_SENTIMENT_NEUTRAL = 0,
    AAI_SENTIMENT_POSITIVE = 1,
    AAI_SENTIMENT_NEGATIVE = 2
} aai_sentiment_kind;

/** The sentiment of one sentence (SentimentAnalysisResult in the API). */
typedef struct aai_sentiment {
    const char *text;        /* The sentence. */
    int64_t start;           /* Start time in ms. */
    int64_t end;             /* End time in ms. */
    double confidence;       /* Confidence of the sentiment, 0.0 to 1.0. */
    const char *sentiment;   /* "POSITIVE", "NEUTRAL" or "NEGATIVE", as the server spelled it. */
    aai_sentiment_kind kind; /* The same as an enum. */
    const char *speaker;     /* Speaker label, or NULL without speaker_labels. */
    const char *channel;     /* Channel, or NULL without multichannel. */
} aai_sentiment;

/** The sentiment of each sentence (sentiment_analysis). Borrowed, valid until the transcript
    is freed, built once; NULL/0 when not requested. */
aai_status aai_transcript_sentiment_analysis(const aai_transcript *transcript, const aai_sentiment **results,
                                             size_t *count);

/** An entity found by entity_detection (Entity in the API). */
typedef struct aai_entity {
    const char *entity_type; /* "location", "person_name", ... (EntityType in the API). */
    const char *text;        /* The entity as spoken. */
    int64_t start;           /* Start time in ms. */
    int64_t end;             /* End time in ms. */
} aai_entity;

/** The entities (entity_detection). Borrowed, valid until the transcript is freed, built
    once; NULL/0 when not requested. */
aai_status aai_transcript_entities(const aai_transcript *transcript, const aai_entity **entities, size_t *count);

/** A key phrase found by auto_highlights (AutoHighlightResult in the API). */
typedef struct aai_auto_highlight {
    const char *text;                  /* The key phrase. */
    double rank;                       /* Relevance to the whole audio, 0.0 to 1.0. */
    int64_t count;                     /* How many times the phrase occurs. */
    const aai_timestamp *timestamps;   /* Where it occurs: timestamp_count spans. */
    size_t timestamp_count;
} aai_auto_highlight;

/** The key phrases (auto_highlights_result.results). Borrowed, valid until the transcript is
    freed, built once; NULL/0 when not requested or unavailable. */
aai_status aai_transcript_auto_highlights(const aai_transcript *transcript, const aai_auto_highlight **highlights,
                                          size_t *count);

/** The status of the key phrases model: "success", or "unavailable" when the model failed.
    Borrowed, valid until the transcript is freed. NULL when not requested (or not completed). */
const char *aai_transcript_auto_highlights_status(const aai_transcript *transcript);

/** A sensitive topic in a flagged section (ContentSafetyLabel in the API). */
typedef struct aai_content_safety_label {
    const char *label;       /* "disasters", "health_issues", ... */
    double confidence;       /* Confidence that the topic is discussed, 0.0 to 1.0. */
    double severity;         /* How severely it is discussed, 0.0 to 1.0. */
} aai_content_safety_label;

/** A section flagged by content moderation (ContentSafetyLabelResult in the API). */
typedef struct aai_content_safety_result {
    const char *text;                        /* The section's text. */
    const aai_content_safety_label *labels;  /* label_count labels. */
    size_t label_count;
    int64_t sentences_idx_start;             /* Index of the section's first sentence. */
    int64_t sentences_idx_end;               /* Index of its last sentence. */
    aai_timestamp timestamp;                 /* Where the section is. */
} aai_content_safety_result;

/** Severity of one label over the whole audio (an entry of severity_score_summary). */
typedef struct aai_severity_score_summary {
    const char *label;       /* "disasters", ... */
    double low;              /* Share of low severity, 0.0 to 1.0. */
    double medium;
    double high;
} aai_severity_score_summary;

/** The sections flagged by content moderation (content_safety_labels.results). Borrowed,
    valid until the transcript is freed, built once; NULL/0 when not requested. */
aai_status aai_transcript_content_safety(const aai_transcript *transcript, const aai_content_safety_result **results,
                                         size_t *count);

/** The confidence of each content moderation label over the whole audio
    (content_safety_labels.summary), in the server's order. Borrowed, valid until the
    transcript is freed, built once; NULL/0 when not requested. */
aai_status aai_transcript_content_safety_summary(const aai_transcript *transcript, const aai_label_score **summary,
                                                 size_t *count);

/** The severity of each content moderation label over the whole audio
    (content_safety_labels.severity_score_summary), in the server's order. Borrowed, valid
    until the transcript is freed, built once; NULL/0 when not requested. */
aai_status aai_transcript_content_safety_severity_scores(const aai_transcript *transcript,
                                                         const aai_severity_score_summary **scores, size_t *count);

/** The status of the content moderation model: "success" or "unavailable". Borrowed, valid
    until the transcript is freed. NULL when not requested (or not completed). */
const char *aai_transcript_content_safety_status(const aai_transcript *transcript);

/** The topics of one part of the transcript (TopicDetectionResult in the API). */
typedef struct aai_iab_result {
    const char *text;                /* The part's text. */
    const aai_label_score *labels;   /* label_count IAB topics; score is the relevance. */
    size_t label_count;
    aai_timestamp timestamp;         /* Where the part is; {-1, -1} when the server gave none. */
} aai_iab_result;

/** The topics found by iab_categories in each part of the transcript
    (iab_categories_result.results). Borrowed, valid until the transcript is freed, built once;
    NULL/0 when not requested. */
aai_status aai_transcript_iab_categories(const aai_transcript *transcript, const aai_iab_result **results,
                                         size_t *count);

/** The relevance of each IAB topic to the whole audio (iab_categories_result.summary), in the
    server's order. Borrowed, valid until the transcript is freed, built once; NULL/0 when not
    requested. */
aai_status aai_transcript_iab_categories_summary(const aai_transcript *transcript, const aai_label_score **summary,
                                                 size_t *count);

/** The status of the topic detection model: "success" or "unavailable". Borrowed, valid until
    the transcript is freed. NULL when not requested (or not completed). */
const char *aai_transcript_iab_categories_status(const aai_transcript *transcript);

/** The summary made by summarization (its form follows summary_type: bullets, a paragraph,
    ...). Borrowed, valid until the transcript is freed. NULL when not requested. */
const char *aai_transcript_summary(const aai_transcript *transcript);

/** The language of the audio (language_code: the one requested, or the one found by
    language_detection), e.g. "en_us" or "de". Borrowed, valid until the transcript is freed.
    NULL when absent. */
const char *aai_transcript_language_code(const aai_transcript *transcript);

/** The confidence of the detected language (language_confidence), 0.0 to 1.0, or -1 without
    language_detection (or for an invalid handle). */
double aai_transcript_language_confidence(const aai_transcript *transcript);

/** The speech model that transcribed the audio (speech_model_used: with speech_models, the one
    the API picked). Borrowed, valid until the transcript is freed. NULL when absent. */
const char *aai_transcript_speech_model_used(const aai_transcript *transcript);

/** The text before PII redaction (unredacted_text, with redact_pii_return_unredacted). Borrowed,
    valid until the transcript is freed. NULL when absent. (The unredacted words and utterances:
    aai_transcript_get_json(t, "/unredacted_words", &out).) */
const char *aai_transcript_unredacted_text(const aai_transcript *transcript);

/** The domain the API applied (metadata.domain_used). Borrowed, valid until the transcript is
    freed. NULL when absent. */
const char *aai_transcript_domain_used(const aai_transcript *transcript);

/** The API's warnings about the transcript (each metadata.warnings[].message, then
    metadata.warning when it is not one of them) as one array of `count` strings. Borrowed,
    valid until the transcript is freed; *messages is NULL and *count 0 when there are none. */
aai_status aai_transcript_warnings(const aai_transcript *transcript, const char *const **messages, size_t *count);

/** A language found with code switching and its confidence (0.0 to 1.0). */
typedef struct aai_language_confidence {
    const char *language_code;
    double confidence;
} aai_language_confidence;

/** The languages found with code switching (language_detection_results.code_switching_languages)
    as one array. Borrowed, valid until the transcript is freed; *languages is NULL and *count 0
    when absent. */
aai_status aai_transcript_code_switching_languages(const aai_transcript *transcript,
                                                   const aai_language_confidence **languages, size_t *count);

/* ======================================================================================
 * Exports, lookups and listing
 * ==================================================================================== */
/* (section: exports) */


/** Subtitle formats for aai_transcriber_export_subtitles(). */
typedef enum aai_subtitle_format {
    AAI_SUBTITLES_SRT = 0,
    AAI_SUBTITLES_VTT = 1
} aai_subtitle_format;

/** Exports a completed transcript as SRT or VTT captions. `chars_per_caption` limits the
    length of one caption (0: the API's default). A transcript that is not completed gives the
    server's error (AAI_ERR_HTTP, 400). *out is owned by the caller (aai_string_free). */
aai_status aai_transcriber_export_subtitles(aai_transcriber *transcriber, const char *transcript_id,
                                            aai_subtitle_format format, int chars_per_caption, char **out);

/** A sentence or a paragraph of a transcript, with its words: the same shape as an utterance. */
typedef aai_utterance aai_segment;

/** The sentences or paragraphs of a transcript. Immutable; free with aai_segments_free(). */
typedef struct aai_segments aai_segments;

/** Fetches the transcript's sentences (GET /v2/transcript/{id}/sentences). */
aai_status aai_transcriber_get_sentences(aai_transcriber *transcriber, const char *transcript_id, aai_segments **out);

/** Fetches the transcript's paragraphs (GET /v2/transcript/{id}/paragraphs). */
aai_status aai_transcriber_get_paragraphs(aai_transcriber *transcriber, const char *transcript_id, aai_segments **out);

/** The segments as one array. Borrowed: valid until the segments are freed. */
aai_status aai_segments_get(const aai_segments *segments, const aai_segment **array, size_t *count);

/** The whole answer as JSON (NUL-terminated; borrowed). */
aai_status aai_segments_json(const aai_segments *segments, const char **json, size_t *length);

/** Releases segments. NULL is a no-op. */
void aai_segments_free(aai_segments *segments);

/** Where one searched word or phrase occurs. */
typedef struct aai_word_match {
    const char *text;                 /* the word or phrase searched */
    int64_t count;                    /* how many times it occurs */
    const aai_timestamp *timestamps;  /* timestamp_count occurrences */
    size_t timestamp_count;
    const int64_t *indexes;           /* index_count positions in the transcript's words */
    size_t index_count;
} aai_word_match;

/** The result of a word search. Immutable; free with aai_word_search_free(). */
typedef struct aai_word_search aai_word_search;

/** Searches a completed transcript for `count` words or phrases (GET .../word-search). */
aai_status aai_transcriber_word_search(aai_transcriber *transcriber, const char *transcript_id,
                                       const char *const *words, size_t count, aai_word_search **out);

/** The matches as one array, and the total number of matches. Borrowed. */
aai_status aai_word_search_matches(const aai_word_search *search, const aai_word_match **matches,
                                   size_t *count, int64_t *total_count);

/** Releases a word search result. NULL is a no-op. */
void aai_word_search_free(aai_word_search *search);

/* --- The same exports computed locally, from the words already in memory --------------
   No request is made. The rules are the API's as the bundled local server documents them
   (docs/local-server.md, "Exports"): captions never cross a sentence end and hold words while
   their text stays within chars_per_caption characters (default 70); a sentence ends after a
   word ending in . ? or ! (closing quotes and brackets ignored; Mr. Mrs. Ms. Dr. Prof. St. Jr.
   Sr. excepted) and, with speaker labels, before a word of another speaker; a paragraph holds
   at most 5 sentences of one speaker. Use these for speed or offline; use the aai_transcriber_*
   versions to get exactly what the service returns. */

/** SRT or VTT captions of a transcript, computed locally. *out is owned by the caller. */
aai_status aai_transcript_export_subtitles(const aai_transcript *transcript, aai_subtitle_format format,
                                           int chars_per_caption, char **out);

/** The transcript's sentences, computed locally. Each segment's `words` point into the
    transcript's own word array (aai_transcript_words()); the segments keep the transcript's
    memory alive, so they stay valid even after aai_transcript_free(). */
aai_status aai_transcript_sentences(const aai_transcript *transcript, aai_segments **out);

/** The transcript's paragraphs, computed locally (as aai_transcript_sentences()). */
aai_status aai_transcript_paragraphs(const aai_transcript *transcript, aai_segments **out);

/** Word search computed locally: each term matches where consecutive words have its words
    (case and surrounding punctuation ignored); every term is listed, one without a match with
    count 0. */
aai_status aai_transcript_word_search(const aai_transcript *transcript, const char *const *words, size_t count,
                                      aai_word_search **out);

/** The URL of the PII-redacted audio of a transcript made with redact_pii_audio. While the
    server is still making it (HTTP 202), AAI_ERR_STATE with aai_last_error_http_status() 202:
    try later, or use aai_transcriber_save_redacted_audio(), which waits. Not requested: the
    server's error (HTTP 400). *url is owned by the caller (aai_string_free). */
aai_status aai_transcriber_get_redacted_audio_url(aai_transcriber *transcriber, const char *transcript_id, char **url);

/** Waits until the redacted audio is ready (polling interval and deadline of the client), then
    downloads it to `path`: into a temporary file (mode 0600) in the same folder, renamed to
    `path` only when complete, so a failure never leaves a partial file. The download sends no
    API key (the file is on a storage host). */
aai_status aai_transcriber_save_redacted_audio(aai_transcriber *transcriber, const char *transcript_id, const char *path);

/** One transcript of a list page (TranscriptListItem). */
typedef struct aai_transcript_list_item {
    const char *id;
    const char *resource_url;
    const char *status;       /* "queued", "processing", "completed", "error" */
    const char *created;      /* e.g. "2026-11-25T09:31:02.123456" */
    const char *completed;    /* NULL until completed */
    const char *audio_url;
    const char *error;        /* NULL unless status is "error" */
} aai_transcript_list_item;

/** One page of a transcript list. Immutable; free with aai_transcript_list_free(). */
typedef struct aai_transcript_list aai_transcript_list;

/** Lists transcripts, newest first. Each filter is optional: `limit` 0 (the API's default, 10)
    or 1..200; `status` NULL or "queued"/"processing"/"completed"/"error"; `created_on` NULL or
    "YYYY-MM-DD"; `before_id`/`after_id` NULL or a transcript id; `throttled_only` -1 (unset), 0 or 1. */
aai_status aai_transcriber_list(aai_transcriber *transcriber, int limit, const char *status, const char *created_on,
                                const char *before_id, const char *after_id, int throttled_only,
                                aai_transcript_list **out);

/** Fetches the page at a prev_url or next_url of an earlier page. The URL must be on the
    client's base URL (so the API key never goes elsewhere). To walk every transcript, follow
    prev_url until it is NULL:
        aai_transcriber_list(t, 200, NULL, NULL, NULL, NULL, -1, &page);
        while (page) { ...; url = aai_transcript_list_prev_url(page);
                       next = NULL; if (url) aai_transcriber_list_page(t, url, &next);
                       aai_transcript_list_free(page); page = next; } */
aai_status aai_transcriber_list_page(aai_transcriber *transcriber, const char *page_url, aai_transcript_list **out);

/** The page's transcripts as one array. Borrowed: valid until the page is freed. */
aai_status aai_transcript_list_items(const aai_transcript_list *list, const aai_transcript_list_item **items, size_t *count);

/** Page details (PageDetails): the limit and result count (-1 for an invalid handle), and the
    page URLs (borrowed; NULL when there is none). prev_url leads to older transcripts. */
int aai_transcript_list_limit(const aai_transcript_list *list);
int aai_transcript_list_result_count(const aai_transcript_list *list);
const char *aai_transcript_list_current_url(const aai_transcript_list *list);
const char *aai_transcript_list_prev_url(const aai_transcript_list *list);
const char *aai_transcript_list_next_url(const aai_transcript_list *list);

/** The before_id carried by prev_url (the official SDK's before_id_of_prev_url), or NULL. Borrowed. */
const char *aai_transcript_list_before_id_of_prev_url(const aai_transcript_list *list);

/** The whole page as JSON (NUL-terminated; borrowed). */
aai_status aai_transcript_list_json(const aai_transcript_list *list, const char **json, size_t *length);

/** Releases a list page. NULL is a no-op. */
void aai_transcript_list_free(aai_transcript_list *list);

/* ======================================================================================
 * Non-blocking calls, groups and webhooks
 * ==================================================================================== */
/* (section: async) */

/* --- Non-blocking calls ----------------------------------------------------------------
 *
 * Each *_async call starts an operation and returns at once with an aai_future, a handle on
 * the operation's outcome. Wait for it with aai_future_wait(), cancel it with
 * aai_future_cancel(), read its result with the reader of its kind (aai_future_transcript(),
 * aai_future_group(), aai_future_transcript_list()), or pass a callback that runs when it
 * finishes. Invalid arguments (NULL or freed handles, an empty URL or id, a config that fails
 * aai_config_validate()) are reported by the *_async call itself, which then creates no
 * future; every other failure is the operation's outcome.
 *
 * Threads. Operations run on the library's worker threads: one pool of 4 threads for the
 * whole process (shared by every client and transcriber), made with pthreads by the first call
 * that needs them (an *_async call, or a group call: groups run their items on the pool while
 * the calling thread waits). A thread runs one step at a time (a request, an upload, a
 * callback): waiting between polls holds no thread, so any number of operations can be in
 * flight; at most 4 requests or uploads run at the same moment. The workers block
 * asynchronous signals (SIGINT and the like stay with the application's threads). A child
 * process made by fork() starts a pool of its own (the parent's operations do not continue
 * there). At exit() the pool stops: queued steps are dropped, running ones cancelled, and no
 * callback starts any more (exit waits up to 2 s for running steps to return).
 *
 * Callbacks. The callback runs once, on a worker thread, after the operation finished (also
 * when it failed or was cancelled), with the operation's status: what the reader of its kind
 * will return. Inside it, aai_last_error_*() describe the failure on that thread. It may call
 * any aai_* function, including aai_future_free() on its own future and waiting for other
 * operations; it should not block for long, since it holds one of the 4 workers. The upload
 * progress callback of the transcriber also runs on a worker thread during *_async calls.
 */

/** A handle on a running or finished operation. Owned by the caller: release it with
    aai_future_free(). Thread-safe. */
typedef struct aai_future aai_future;

/** Called once when an operation finished; `status` is its outcome (AAI_OK, the failure, or
    AAI_ERR_CANCELLED). `future` is the handle the *_async call returned (the callback may run
    before that call has returned). */
typedef void (*aai_future_callback)(aai_future *future, aai_status status, void *user_data);

/** aai_transcriber_submit_url() without blocking: the result is the transcript in its first
    state (aai_future_transcript()). `callback` may be NULL. `config` is copied now; NULL uses
    the transcriber's default config as it is now. *out is owned by the caller. */
aai_status aai_transcriber_submit_url_async(aai_transcriber *transcriber, const char *audio_url,
                                            const aai_config *config, aai_future_callback callback,
                                            void *user_data, aai_future **out);

/** aai_transcriber_submit_file() without blocking (the upload runs on a worker thread). */
aai_status aai_transcriber_submit_file_async(aai_transcriber *transcriber, const char *path,
                                             const aai_config *config, aai_future_callback callback,
                                             void *user_data, aai_future **out);

/** aai_transcriber_submit_bytes() without blocking. The bytes are copied: the caller may
    release them as soon as this returns. */
aai_status aai_transcriber_submit_bytes_async(aai_transcriber *transcriber, const void *data, size_t size,
                                              const aai_config *config, aai_future_callback callback,
                                              void *user_data, aai_future **out);

/** aai_transcriber_transcribe_url() without blocking: submits, then polls at the client's
    polling interval until the transcript is completed or error, with the same outcomes
    (AAI_ERR_TRANSCRIPT, AAI_ERR_TIMEOUT at the polling deadline, each with the transcript). */
aai_status aai_transcriber_transcribe_url_async(aai_transcriber *transcriber, const char *audio_url,
                                                const aai_config *config, aai_future_callback callback,
                                                void *user_data, aai_future **out);

/** aai_transcriber_transcribe_file() without blocking. */
aai_status aai_transcriber_transcribe_file_async(aai_transcriber *transcriber, const char *path,
                                                 const aai_config *config, aai_future_callback callback,
                                                 void *user_data, aai_future **out);

/** aai_transcriber_transcribe_bytes() without blocking. The bytes are copied. */
aai_status aai_transcriber_transcribe_bytes_async(aai_transcriber *transcriber, const void *data, size_t size,
                                                  const aai_config *config, aai_future_callback callback,
                                                  void *user_data, aai_future **out);

/** aai_transcriber_wait() without blocking. A binding that must stay interruptible (Python
    and Ctrl-C) waits through this: aai_future_wait() in short slices, aai_future_cancel() on
    an interrupt. */
aai_status aai_transcriber_wait_async(aai_transcriber *transcriber, const char *transcript_id,
                                      aai_future_callback callback, void *user_data, aai_future **out);

/** aai_transcriber_get() without blocking. */
aai_status aai_transcriber_get_async(aai_transcriber *transcriber, const char *transcript_id,
                                     aai_future_callback callback, void *user_data, aai_future **out);

/** aai_transcriber_list() without blocking; read the page with aai_future_transcript_list().
    The filters are checked when the operation runs: a bad one is its outcome. */
aai_status aai_transcriber_list_async(aai_transcriber *transcriber, int limit, const char *status,
                                      const char *created_on, const char *before_id, const char *after_id,
                                      int throttled_only, aai_future_callback callback, void *user_data,
                                      aai_future **out);

/** Waits until the operation finished and its callback (if any) returned, at most `timeout_ms`
    milliseconds; a negative `timeout_ms` waits without limit, 0 only looks. Returns AAI_OK
    when it finished, whatever its outcome, and then sets *result (may be NULL) to the
    operation's status. Returns AAI_ERR_TIMEOUT when it is still running: nothing changes, the
    operation goes on and can be waited for again. Called inside the future's own callback it
    returns AAI_OK at once; inside another future's callback (on a worker thread) it runs queued
    work while it waits, other futures' callbacks included, so that it cannot starve the worker
    threads. */
aai_status aai_future_wait(aai_future *future, long timeout_ms, aai_status *result);

/** Asks the operation to stop and returns at once. A sleep between polls ends immediately and
    a request in flight is aborted (within about a second): the operation then finishes with
    AAI_ERR_CANCELLED (its callback runs), handing back the transcript as last seen if there
    is one. A transcript the server already created is not deleted. Cancelling a finished
    operation changes nothing. */
aai_status aai_future_cancel(aai_future *future);

/** Releases a future. NULL is a no-op. Freeing a running operation cancels it, and its
    callback will not run. When this returns, the callback is not running either (it waits for
    a callback running on another thread to return; called inside the callback itself, it
    returns at once), so `user_data` may be released right after. */
void aai_future_free(aai_future *future);

/** The result of a finished transcript operation (submit, transcribe, wait, get): returns
    what the blocking call would have returned, with the failure's details as this thread's
    last error. *out (owned by the caller, a new handle on each call) is set on success, and
    also with any failure once the transcript is known (AAI_ERR_TRANSCRIPT, AAI_ERR_TIMEOUT,
    AAI_ERR_CANCELLED, a poll that failed), so its id is never lost. AAI_ERR_STATE while the
    operation runs; AAI_ERR_INVALID_ARGUMENT for an operation of another kind (each kind has
    its aai_future_<kind>() reader). */
aai_status aai_future_transcript(aai_future *future, aai_transcript **out);

/** The page of a finished list operation (aai_transcriber_list_async()): returns what
    aai_transcriber_list() would have returned; *out (owned by the caller, release it with
    aai_transcript_list_free()) is set on success. AAI_ERR_STATE while the operation runs. */
aai_status aai_future_transcript_list(aai_future *future, aai_transcript_list **out);

/* --- Groups ----------------------------------------------------------------------------- */

/** A group of transcripts, one item per audio or id given, in the order given. Each item is
    a transcript, a failure, or both (a transcript that failed). Immutable and thread-safe;
    owned by the caller: release it with aai_transcript_group_free(). */
typedef struct aai_transcript_group aai_transcript_group;

/** Transcribes many audio files at once: each string of `audio` is a URL ("http://" or
    "https://") or a local path (uploaded first). At most `max_concurrency` items are being
    uploaded and submitted at a time (0: the default, 8); waiting for the submitted
    transcripts is not limited. `config` NULL uses the transcriber's default config.
    With `return_failures` non-zero, every item ends in the group whatever happened to it and
    the call returns AAI_OK; read each item's outcome with aai_transcript_group_item(). With 0,
    the first item that fails (upload, submission, a transcript in status error, the polling
    deadline) stops the group: items not started are not started, running ones are
    cancelled, and the call returns that item's status with a message naming the item; *out
    is set all the same, so the ids of transcripts already created are not lost. */
aai_status aai_transcriber_transcribe_group(aai_transcriber *transcriber, const char *const *audio, size_t count,
                                            const aai_config *config, int max_concurrency, int return_failures,
                                            aai_transcript_group **out);

/** Uploads and submits many audio files as aai_transcriber_transcribe_group() does, but does
    not wait for the transcripts (the official SDKs' submit_group): each item is its transcript
    in its first state (wait for them with aai_transcriber_group_wait()). */
aai_status aai_transcriber_submit_group(aai_transcriber *transcriber, const char *const *audio, size_t count,
                                        const aai_config *config, int max_concurrency, int return_failures,
                                        aai_transcript_group **out);

/** aai_transcriber_transcribe_group() without blocking; read the group with aai_future_group(). */
aai_status aai_transcriber_transcribe_group_async(aai_transcriber *transcriber, const char *const *audio,
                                                  size_t count, const aai_config *config, int max_concurrency,
                                                  int return_failures, aai_future_callback callback,
                                                  void *user_data, aai_future **out);

/** The result of a finished group operation: returns what aai_transcriber_transcribe_group()
    would have returned, and sets *out to the group as it does (also with a failure, and with
    AAI_ERR_CANCELLED: the group as far as it got). AAI_ERR_STATE while the operation runs. */
aai_status aai_future_group(aai_future *future, aai_transcript_group **out);

/** A group of existing transcripts: fetches each id (at most 8 requests at a time), whatever
    its status; wait for them with aai_transcriber_group_wait(). An unknown id, or a
    transcript in status error, is a failing item (see `return_failures` above). */
aai_status aai_transcriber_group_from_ids(aai_transcriber *transcriber, const char *const *transcript_ids,
                                          size_t count, int return_failures, aai_transcript_group **out);

/** Fetches every transcript of `group` again and gives a new group (`group` is unchanged).
    Items without a transcript (their upload or submission failed) are copied as they are. */
aai_status aai_transcriber_group_refresh(aai_transcriber *transcriber, const aai_transcript_group *group,
                                         int return_failures, aai_transcript_group **out);

/** Waits until every transcript of `group` is completed or error (polling all of them at the
    client's polling interval, under its polling deadline) and gives a new group. */
aai_status aai_transcriber_group_wait(aai_transcriber *transcriber, const aai_transcript_group *group,
                                      int return_failures, aai_transcript_group **out);

/** Releases a group. NULL is a no-op. Transcripts taken from it stay valid. */
void aai_transcript_group_free(aai_transcript_group *group);

/** The number of items; 0 for an invalid handle. */
size_t aai_transcript_group_count(const aai_transcript_group *group);

/** The status of the whole group, as the official SDKs define it: AAI_TRANSCRIPT_ERROR if any
    item failed or is in status error, else AAI_TRANSCRIPT_QUEUED if any is queued, else
    AAI_TRANSCRIPT_PROCESSING if any is processing, else AAI_TRANSCRIPT_COMPLETED (also for an
    empty group). AAI_TRANSCRIPT_UNKNOWN for an invalid handle. */
aai_transcript_status aai_transcript_group_status(const aai_transcript_group *group);

/** Item `index` (0-based) of a group. *item_status (may be NULL) receives the item's outcome:
    AAI_OK, or why it failed (AAI_ERR_IO for a file that could not be read, AAI_ERR_TRANSCRIPT,
    AAI_ERR_CANCELLED for an item stopped or never started, ...). *transcript (may be NULL if not
    wanted) receives the item's transcript, a new handle owned by the caller, or NULL when the
    item has none. Returns AAI_OK, or AAI_ERR_INVALID_ARGUMENT for an invalid handle or index. */
aai_status aai_transcript_group_item(const aai_transcript_group *group, size_t index,
                                     aai_transcript **transcript, aai_status *item_status);

/** Why item `index` failed, naming the item's audio or id; NULL when it did not fail or for an
    invalid handle or index. Borrowed: valid until the group is freed. */
const char *aai_transcript_group_item_error(const aai_transcript_group *group, size_t index);

/* --- Webhooks ----------------------------------------------------------------------------- */

/** Reads a webhook notification that a transcript is ready, as the API posts it to the
    webhook_url of a transcript (see aai_config_set_webhook()): the body must be exactly
    {"transcript_id": "...", "status": "completed" | "error"} (the spec's
    TranscriptReadyNotification, which allows no other field); anything else is
    AAI_ERR_PROTOCOL. `body` holds `length` bytes (no NUL needed).
    Authentication comes first: when `expected_auth_value` is not NULL (the value given to
    aai_config_set_webhook()), `received_auth_value` (the value of the request's header of
    that name, NULL if the request had none) must equal it, compared in constant time;
    otherwise AAI_ERR_AUTH and the body is not read. With `expected_auth_value` NULL nothing is
    checked. *transcript_id is owned by the caller (release it with aai_string_free()).
    A notification that the PII-redacted audio is ready (sent to the same URL when
    redact_pii_audio is on) gives AAI_ERR_PROTOCOL here: read it with
    aai_webhook_parse_redacted_audio(). */
aai_status aai_webhook_parse(const char *body, size_t length, const char *received_auth_value,
                             const char *expected_auth_value, char **transcript_id,
                             aai_transcript_status *status);

/** Reads a webhook notification that the PII-redacted audio is ready: the body must be exactly
    {"status": "redacted_audio_ready", "redacted_audio_url": "..."}. Authentication as for
    aai_webhook_parse(). *redacted_audio_url is owned by the caller (aai_string_free()). */
aai_status aai_webhook_parse_redacted_audio(const char *body, size_t length, const char *received_auth_value,
                                            const char *expected_auth_value, char **redacted_audio_url);

/** aai_llm_chat_completion_stream() without blocking: the request is copied now, `on_event`
    (not NULL) gets `user_data` on a worker thread for each piece, `callback` (may be NULL) gets
    `callback_user_data` when the stream ended. aai_future_cancel() stops the stream and returns
    at once. *out is owned by the caller (aai_future_free()). Read the assembled response with
    aai_future_llm_response(). A NULL client or request, or a request with neither messages nor
    prompt, is reported here, and no future is made. */
aai_status aai_llm_chat_completion_stream_async(aai_client *client, const aai_llm_request *request,
                                                aai_llm_stream_callback on_event, void *user_data,
                                                aai_future_callback callback, void *callback_user_data,
                                                aai_future **out);

/** aai_llm_chat_completion() without blocking: the request is copied now, `callback` (may be
    NULL) gets `user_data` on a worker thread when the answer arrived (or the call failed).
    aai_future_cancel() returns at once. *out is owned by the caller (aai_future_free()). Read the
    response with aai_future_llm_response(). A NULL client or request, a request with neither
    messages nor prompt, or one with "stream": true, is reported here, and no future is made. */
aai_status aai_llm_chat_completion_async(aai_client *client, const aai_llm_request *request,
                                         aai_future_callback callback, void *user_data, aai_future **out);

/** The outcome of a finished aai_llm_chat_completion_stream_async() or
    aai_llm_chat_completion_async(): returns the status the
    blocking call would have returned (the failure's details as this thread's last error) and on
    success sets *out (owned by the caller: aai_llm_response_free(); a new handle on each call).
    AAI_ERR_STATE while the stream runs; AAI_ERR_INVALID_ARGUMENT for a future of another kind. */
aai_status aai_future_llm_response(aai_future *future, aai_llm_response **out);

/* ======================================================================================
 * Streaming speech-to-text (realtime v2 and Universal Streaming v3)
 * ==================================================================================== */
/* (section: streaming) */

/* A streaming session sends live audio over a WebSocket and receives transcripts as events.
 * One handle type serves both APIs, chosen when it is created: realtime v2
 * (wss://api.assemblyai.com/v2/realtime/ws) and Universal Streaming v3
 * (wss://streaming.assemblyai.com/v3/ws). One handle rather than two: the life cycle (set
 * parameters, connect, send audio, close), the audio sources, the threading and the event
 * callback are the same, and an application moving from v2 to v3 changes one argument and a few
 * parameter names. Setters that belong to the other protocol fail with AAI_ERR_INVALID_ARGUMENT
 * and say so.
 *
 * Life cycle:
 *   aai_streaming_new() -> setters (parameters) -> aai_streaming_connect() -> send audio
 *   (aai_streaming_send_audio(), aai_streaming_send_wav_file(), the microphone) and control
 *   messages -> aai_streaming_close() -> aai_streaming_free().
 * A session connects once; a failed connect may be retried on the same handle.
 *
 * Threads. aai_streaming_connect() runs on the calling thread and returns only when the server
 * has begun the session (SessionBegins / Begin), or with an error: the close code and reason the
 * server gave are in the message and in aai_streaming_close_code() / aai_streaming_close_reason().
 * No callback runs for a failed connect. Once connected, a session has no thread of its own: all
 * the sessions of the process share ONE I/O THREAD (an epoll loop; the only thread that touches
 * the connections: it writes queued audio and messages in order, reads the servers' messages,
 * answers pings, sends keep-alive pings) and a fixed POOL OF CALLBACK THREADS (8 unless
 * aai_streaming_set_callback_threads() chose another number before the first session connected;
 * 0 runs the callbacks on the I/O thread itself, see there), on which events are delivered: a session's events one at a time, in the order received, never
 * two of the same session at once (different sessions' callbacks run in parallel on the pool).
 * So a process with any number of sessions has 1 + 8 streaming threads (more only while
 * callbacks block in aai_streaming_close() of another session, see there; plus one capture
 * thread per microphone), and one descriptor per session (its socket; the loop connects the
 * sessions itself, without blocking, through one libcurl multi handle). The threads are named
 * aai-stream-io and aai-stream-cb (top -H, gdb) and are scheduled for low latency unless
 * aai_streaming_set_low_latency(0) said otherwise. OPENED is always the first event and CLOSED always the last. Callbacks
 * must not block for long (audio keeps flowing meanwhile, but that session's events wait, and a
 * pool thread is busy). Inside a callback, every function of the session
 * may be called, including aai_streaming_close() (which then starts the termination and returns
 * at once; the remaining events follow after the callback returns) and aai_streaming_free()
 * (no further callback runs once the current one returns). Audio and control messages may be
 * sent from any thread: they go to a bounded queue (aai_streaming_set_queue_capacity()); a
 * send never blocks longer than the send timeout (aai_streaming_set_send_timeout_ms()), then
 * fails with AAI_ERR_TIMEOUT, and fails at once with AAI_ERR_STATE when the session is not open
 * (not connected yet, closing or closed); sending never waits for the network itself.
 * aai_streaming_free() takes the session out of the I/O loop (its socket is closed when it
 * returns) and drops the events not delivered yet: once it returns, no callback of it runs.
 *
 * Errors and close codes. An ERROR event reports a server error message (v2 RealtimeError, v3
 * Error), a close code that means an error, a broken connection or a missed deadline; it comes
 * just before CLOSED. A normal closure (code 1000) gives only CLOSED. Close codes are mapped to
 * their documented meanings (aai_streaming_close_code_meaning()) and to a status: e.g. v2 4001
 * and v3 1008 AAI_ERR_AUTH; v2 4008 (session expired), 4031 (idle) and v3 3008 AAI_ERR_TIMEOUT;
 * v2 4000, 4029, 4100, 4101, 4104 and v3 3006, 3007 AAI_ERR_INVALID_ARGUMENT; v2 4102 and v3 3009
 * AAI_ERR_RATE_LIMITED; v3 3005 AAI_ERR_SERVER; no close frame at all AAI_ERR_CONNECTION.
 */

/** A streaming session (realtime v2 or Universal Streaming v3). Thread-safe. */
typedef struct aai_streaming aai_streaming;

/** Which streaming API a session speaks. */
typedef enum aai_streaming_protocol {
    AAI_STREAMING_V2 = 2,  /* realtime v2: /v2/realtime/ws on the REST host */
    AAI_STREAMING_V3 = 3   /* Universal Streaming v3: /v3/ws on the streaming host */
} aai_streaming_protocol;

/** What an event reports. New types may be added in minor releases: ignore unknown ones. */
typedef enum aai_streaming_event_type {
    AAI_STREAMING_EVENT_OPENED = 1,              /* v2 SessionBegins, v3 Begin: session_id, expires_at */
    AAI_STREAMING_EVENT_PARTIAL_TRANSCRIPT = 2,  /* v2 PartialTranscript */
    AAI_STREAMING_EVENT_FINAL_TRANSCRIPT = 3,    /* v2 FinalTranscript (punctuated, text_formatted) */
    AAI_STREAMING_EVENT_TURN = 4,                /* v3 Turn */
    AAI_STREAMING_EVENT_SPEECH_STARTED = 5,      /* v3 SpeechStarted (u3-rt-pro): timestamp, confidence */
    AAI_STREAMING_EVENT_SESSION_INFORMATION = 6, /* v2 SessionInformation: audio_duration_seconds */
    AAI_STREAMING_EVENT_TERMINATED = 7,          /* v2 SessionTerminated, v3 Termination */
    AAI_STREAMING_EVENT_ERROR = 8,               /* see "Errors and close codes" above */
    AAI_STREAMING_EVENT_WARNING = 9,             /* v3 Warning: text, code */
    AAI_STREAMING_EVENT_OTHER = 10,              /* a message this version does not know: read json */
    AAI_STREAMING_EVENT_CLOSED = 11,             /* the connection is closed; always the last event */
    AAI_STREAMING_EVENT_HEARTBEAT = 12,          /* v3 Heartbeat (session_heartbeat): total_audio_received_ms,
                                                    total_duration_ms, realtime_factor, max_speech_probability */
    AAI_STREAMING_EVENT_SILENCE = 13,            /* v3 Silence (acknowledge_silence, u3-rt-pro): audio_start =
                                                    start_ms, audio_end = end_ms */
    AAI_STREAMING_EVENT_SPEAKER_REVISION = 14,   /* v3 SpeakerRevision (speaker_labels): revisions */
    AAI_STREAMING_EVENT_LLM_GATEWAY_RESPONSE = 15 /* v3 LLMGatewayResponse (llm_gateway): turn_order, text =
                                                    transcript, data_json */
} aai_streaming_event_type;

/** One word of a streaming transcript. Times are ms from the start of the session's audio. */
typedef struct aai_streaming_word {
    const char *text;
    int64_t start;
    int64_t end;
    double confidence;
    int is_final;            /* v3 word_is_final; v2: 1 in final transcripts, 0 in partial ones */
} aai_streaming_word;

/** One entry of a v3 SpeakerRevision event: an earlier TURN (match it by turn_order) whose speaker
    labels changed; its text and word times are unchanged, the labels below replace the old ones.
    Valid only during the callback, as the event. This struct only grows in a major release. */
typedef struct aai_streaming_speaker_revision {
    int64_t turn_order;
    const char *speaker_label;         /* the turn's new speaker_label, or NULL */
    const aai_streaming_word *words;   /* the turn's words with their new speakers */
    size_t word_count;
    const char *const *word_speakers;  /* word_count entries: each word's "speaker" (NULL when the word
                                          has none), or NULL when no word has one */
} aai_streaming_speaker_revision;

/** An event. EVERY POINTER IN IT (strings, words, json) IS VALID ONLY DURING THE CALLBACK:
    copy what you keep. Fields that do not apply to the event's type are 0 or NULL. The struct
    may grow at its end in minor releases (the library allocates it; never copy it by value
    into a struct of your own size). */
typedef struct aai_streaming_event {
    aai_streaming_event_type type;
    aai_streaming_protocol protocol;
    const char *json;              /* the server's message as received (UTF-8 JSON, NUL-terminated),
                                      every field included; NULL for ERROR/CLOSED events the library makes */
    size_t json_length;
    const char *session_id;        /* OPENED: v2 session_id, v3 id */
    int64_t expires_at;            /* OPENED: Unix time in seconds (v2's ISO time is read as UTC) */
    const char *text;              /* PARTIAL/FINAL: text; TURN: transcript; ERROR: the message;
                                      WARNING: the warning */
    const aai_streaming_word *words;
    size_t word_count;
    int64_t audio_start;           /* PARTIAL/FINAL: audio_start; TURN: first word's start (ms) */
    int64_t audio_end;             /* PARTIAL/FINAL: audio_end; TURN: last word's end (ms) */
    double confidence;             /* PARTIAL/FINAL: confidence; SPEECH_STARTED: confidence */
    int punctuated;                /* FINAL */
    int text_formatted;            /* FINAL */
    int64_t turn_order;            /* TURN */
    int end_of_turn;               /* TURN */
    int turn_is_formatted;         /* TURN */
    double end_of_turn_confidence; /* TURN */
    const char *utterance;         /* TURN: utterance, or NULL when absent */
    const char *language_code;     /* TURN: with language_detection, else NULL */
    double language_confidence;    /* TURN */
    const char *speaker_label;     /* TURN: with speaker_labels, else NULL */
    int64_t timestamp;             /* SPEECH_STARTED: ms */
    double audio_duration_seconds; /* SESSION_INFORMATION, TERMINATED (v3) */
    double session_duration_seconds; /* TERMINATED (v3) */
    aai_status status;             /* ERROR and CLOSED: the failure (AAI_OK in a CLOSED event of a
                                      session that ended normally) */
    int close_code;                /* ERROR (0 unless caused by a close) and CLOSED: the close code;
                                      1006 when the connection ended without a close frame */
    const char *close_reason;      /* ERROR and CLOSED: the close frame's reason ("" if none) */
    int64_t code;                  /* v3 Error error_code, Warning warning_code */
    int64_t received_ns;           /* events from a server message: when the library read the
                                      message's last byte from the socket, in ns on
                                      CLOCK_MONOTONIC (compare with clock_gettime() in the
                                      callback for the delivery latency); 0 for events the
                                      library makes (ERROR from a failure, CLOSED) */
    /* Fields appended later (the struct grows only at its end): */
    const char *const *word_speakers; /* TURN: word_count entries, each word's v3 "speaker" (speaker_labels;
                                         NULL for a word without one), or NULL when no word has one */
    const char *model;             /* OPENED (v3): Begin's configuration.model, or NULL */
    const char *mode;              /* OPENED (v3): configuration.mode, or NULL */
    const char *api_version;       /* OPENED (v3): configuration.api_version, or NULL */
    int64_t total_audio_received_ms; /* HEARTBEAT */
    int64_t total_duration_ms;     /* HEARTBEAT */
    double realtime_factor;        /* HEARTBEAT: processing speed ratio (may exceed 1) */
    double max_speech_probability; /* HEARTBEAT: highest per-frame speech probability in the interval, 0..1 */
    const char *data_json;         /* LLM_GATEWAY_RESPONSE: the message's "data" as JSON text (NUL-terminated;
                                      re-serialized, so spacing may differ from `json`), or NULL when absent */
    size_t data_json_length;
    const aai_streaming_speaker_revision *revisions; /* SPEAKER_REVISION: revision_count entries */
    size_t revision_count;
} aai_streaming_event;

/** The event callback. Runs on a callback thread of the process's pool (see above); `event` and all it
    points to are valid only until the callback returns. */
typedef void (*aai_streaming_callback)(const aai_streaming_event *event, void *user_data);

/** Creates a session for `protocol` that connects through `client` (its API key, base URL and
    User-Agent; the session keeps the client alive). Defaults: sample_rate 16000, pcm_s16le,
    connect timeout 10 s, keep-alive 15 s, queue 4 MiB, send timeout 1 s. The URL defaults to the
    client's base URL for v2 (https -> wss), and for v3 to wss://streaming.assemblyai.com
    (wss://streaming.eu.assemblyai.com for the EU REST host) unless the client's base URL points
    elsewhere (a proxy or the local server), whose host then serves v3 too.
    *out is owned by the caller: release it with aai_streaming_free(). */
aai_status aai_streaming_new(aai_client *client, aai_streaming_protocol protocol, aai_streaming **out);

/** Frees a session: closes the connection at once (a close frame, no termination: call
    aai_streaming_close() first to get the last transcripts), stops the microphone, stops and
    joins the session's threads and drops undelivered events. When it returns, no callback runs
    (called from inside a callback: none after that callback returns). NULL is a no-op. */
void aai_streaming_free(aai_streaming *session);

/** Sets the event callback and its user data (NULL removes it; events are then dropped). May be
    called at any time; `user_data` must stay valid while the callback is set. */
aai_status aai_streaming_set_callback(aai_streaming *session, aai_streaming_callback callback, void *user_data);

/* ---- Connection parameters. Only before aai_streaming_connect() (AAI_ERR_STATE after),
        except where a comment says "during the session". ---- */

/** Sets the base URL: "wss://host[:port]" (or "ws://" for a loopback host; "https://" and
    "http://" are accepted and converted). No path. NULL restores the default. */
aai_status aai_streaming_set_url(aai_streaming *session, const char *base_url);

/** Connects with a temporary token (from aai_streaming_create_token_v2() or
    aai_streaming_create_token_v3()), sent as the `token` query parameter, instead of the API key.
    NULL goes back to the API key. */
aai_status aai_streaming_set_token(aai_streaming *session, const char *token);

/** sample_rate in Hz (1..192000; default 16000), always sent, except in a v3 session with a
    compressed encoding (opus, ogg_opus, aac) that never set it: those streams describe themselves
    and the server ignores the rate, as the official SDK 1.8.2 says. */
aai_status aai_streaming_set_sample_rate(aai_streaming *session, int sample_rate);

/** encoding: "pcm_s16le" or "pcm_mulaw"; v3 also "opus" (raw Opus packets, ONE PACKET PER
    aai_streaming_send_audio() CALL), "ogg_opus" (an Ogg Opus byte stream, as ffmpeg, opusenc or a
    browser's MediaRecorder write it) and "aac" (an AAC ADTS byte stream). NULL: not sent, the
    server's default pcm_s16le. Compressed audio is sent as given (see aai_streaming_send_audio()). */
aai_status aai_streaming_set_encoding(aai_streaming *session, const char *encoding);

/** Any query parameter, sent as given (percent-encoded): the escape hatch for parameters this
    version of the library does not know. NULL `value` removes it. Replaces a typed setter's value
    of the same name. */
aai_status aai_streaming_set_param(aai_streaming *session, const char *name, const char *value);

/** v2 word_boost: `count` words, sent as a JSON array (at most 2500 characters). count 0 removes it. */
aai_status aai_streaming_set_word_boost(aai_streaming *session, const char *const *words, size_t count);

/** v2 disable_partial_transcripts (1 or 0). */
aai_status aai_streaming_set_disable_partial_transcripts(aai_streaming *session, int disable);

/** v2 enable_extra_session_information (1 or 0): a SESSION_INFORMATION event before TERMINATED. */
aai_status aai_streaming_set_enable_extra_session_information(aai_streaming *session, int enable);

/** v2 end-of-utterance silence threshold, 0..20000 ms (server default 700). Before connect: sent
    right after the session begins. During the session: sent at once. */
aai_status aai_streaming_set_end_utterance_silence_threshold(aai_streaming *session, int threshold_ms);

/** v3 speech_model (e.g. "universal-streaming-english", "universal-streaming-multilingual",
    "whisper-rt", "u3-rt-pro"; the official SDK 1.8.2 also names "u3-rt-pro-beta-1",
    "universal-3-5-pro", "universal-3-6", "universal-3-6-pro"), sent as given. NULL removes it. */
aai_status aai_streaming_set_speech_model(aai_streaming *session, const char *speech_model);

/** v3 format_turns (1 or 0): an extra formatted TURN at each end of turn. */
aai_status aai_streaming_set_format_turns(aai_streaming *session, int enable);

/** v3 keyterms_prompt: `count` terms, sent as a JSON array. count 0 removes it. */
aai_status aai_streaming_set_keyterms_prompt(aai_streaming *session, const char *const *terms, size_t count);

/** v3 prompt (u3-rt-pro, beta). NULL removes it. */
aai_status aai_streaming_set_prompt(aai_streaming *session, const char *prompt);

/** v3 inactivity_timeout in seconds (5..3600). */
aai_status aai_streaming_set_inactivity_timeout(aai_streaming *session, int seconds);

/** v3 language_detection (1 or 0). */
aai_status aai_streaming_set_language_detection(aai_streaming *session, int enable);

/** v3 speaker_labels (1 or 0). */
aai_status aai_streaming_set_speaker_labels(aai_streaming *session, int enable);

/** v3 max_speakers (1..10). */
aai_status aai_streaming_set_max_speakers(aai_streaming *session, int max_speakers);

/** v3 vad_threshold (0..1). */
aai_status aai_streaming_set_vad_threshold(aai_streaming *session, double threshold);

/** v3 min_turn_silence in ms (>= 0). Before connect: a query parameter. During the session: an
    UpdateConfiguration message. */
aai_status aai_streaming_set_min_turn_silence(aai_streaming *session, int silence_ms);

/** v3 max_turn_silence in ms (>= 0). Before connect or during the session, as above. */
aai_status aai_streaming_set_max_turn_silence(aai_streaming *session, int silence_ms);

/** v3 end_of_turn_confidence_threshold (0..1). Before connect or during the session, as above. */
aai_status aai_streaming_set_end_of_turn_confidence_threshold(aai_streaming *session, double threshold);

/* --- Universal Streaming v3 parameters by name (the official SDK 1.8.2's StreamingParameters) ---
   Typed setters for the v3 connection parameters that have no setter of their own. Each checks
   the name (one of the AAI_STREAMING_PARAM_* below), the type, the range and the allowed values
   before anything is sent: an unknown name, a wrong type (e.g. a string setter for a boolean), a
   value out of range or not allowed, or a v2 session is AAI_ERR_INVALID_ARGUMENT naming the
   parameter, and leaves the session's parameters unchanged. Before aai_streaming_connect() only.
   Lists and objects are sent as JSON, as the official SDK sends them. aai_streaming_set_param()
   still sends any parameter as given. The session must not be connected; thread-safe. */
#define AAI_STREAMING_PARAM_MODE "mode"                              /* string: max_accuracy, min_latency, balanced */
#define AAI_STREAMING_PARAM_DOMAIN "domain"                          /* string: medical-v1 */
#define AAI_STREAMING_PARAM_VOICE_FOCUS "voice_focus"                /* string: near-field, far-field */
#define AAI_STREAMING_PARAM_VOICE_FOCUS_THRESHOLD "voice_focus_threshold" /* double 0..1 */
#define AAI_STREAMING_PARAM_NOISE_SUPPRESSION_MODEL "noise_suppression_model" /* legacy: voice_focus */
#define AAI_STREAMING_PARAM_NOISE_SUPPRESSION_THRESHOLD "noise_suppression_threshold" /* legacy */
#define AAI_STREAMING_PARAM_INCLUDE_PARTIAL_TURNS "include_partial_turns"     /* bool */
#define AAI_STREAMING_PARAM_CONTINUOUS_PARTIALS "continuous_partials"         /* bool */
#define AAI_STREAMING_PARAM_CUSTOMER_SUPPORT_AUDIO_CAPTURE "customer_support_audio_capture" /* bool */
#define AAI_STREAMING_PARAM_FILTER_PROFANITY "filter_profanity"               /* bool */
#define AAI_STREAMING_PARAM_SESSION_HEARTBEAT "session_heartbeat"             /* bool */
#define AAI_STREAMING_PARAM_ACKNOWLEDGE_SILENCE "acknowledge_silence"         /* bool (u3-rt-pro) */
#define AAI_STREAMING_PARAM_LANGUAGE_CODES "language_codes"                   /* strings */
#define AAI_STREAMING_PARAM_LANGUAGE_CODE "language_code"                     /* legacy: language_codes */
#define AAI_STREAMING_PARAM_AGENT_CONTEXT "agent_context"                     /* string */
#define AAI_STREAMING_PARAM_INTERRUPTION_DELAY "interruption_delay"           /* int >= 0 */
#define AAI_STREAMING_PARAM_TURN_LEFT_PAD_MS "turn_left_pad_ms"               /* int >= 0 */
#define AAI_STREAMING_PARAM_SPEAKER_LABELS_REVISION_INTERVAL_MS "speaker_labels_revision_interval_ms" /* int >= 0 */
#define AAI_STREAMING_PARAM_MIN_END_OF_TURN_SILENCE_WHEN_CONFIDENT "min_end_of_turn_silence_when_confident" /* legacy */
#define AAI_STREAMING_PARAM_WEBHOOK_URL "webhook_url"                         /* string */
#define AAI_STREAMING_PARAM_WEBHOOK_AUTH_HEADER_NAME "webhook_auth_header_name"   /* string */
#define AAI_STREAMING_PARAM_WEBHOOK_AUTH_HEADER_VALUE "webhook_auth_header_value" /* string */
#define AAI_STREAMING_PARAM_REDACT_PII "redact_pii"                           /* bool */
#define AAI_STREAMING_PARAM_REDACT_PII_POLICIES "redact_pii_policies"         /* strings: person_name, ... */
#define AAI_STREAMING_PARAM_REDACT_PII_SUB "redact_pii_sub"                   /* string: hash, entity_name */
#define AAI_STREAMING_PARAM_LLM_GATEWAY "llm_gateway" /* JSON object {"model", "messages": [{"role","content"}], "max_tokens"} */

/** A boolean parameter (value 1 or 0). */
aai_status aai_streaming_set_bool_param(aai_streaming *session, const char *name, int value);
/** An integer parameter, checked against its range. */
aai_status aai_streaming_set_int_param(aai_streaming *session, const char *name, int64_t value);
/** A number parameter, checked against its range. */
aai_status aai_streaming_set_double_param(aai_streaming *session, const char *name, double value);
/** A string parameter (one of its allowed values where it has them). NULL removes it; "" is an error. */
aai_status aai_streaming_set_string_param(aai_streaming *session, const char *name, const char *value);
/** A list parameter: `count` strings (each allowed where the parameter lists values); count 0 removes it. */
aai_status aai_streaming_set_strings_param(aai_streaming *session, const char *name, const char *const *values, size_t count);
/** An object parameter as JSON text (llm_gateway: model, messages and max_tokens are checked). NULL removes it. */
aai_status aai_streaming_set_json_param(aai_streaming *session, const char *name, const char *json);

/** Time limit of each connection attempt of aai_streaming_connect() in ms (default 10000, > 0):
    connection, TLS, upgrade and the wait for SessionBegins / Begin (see
    aai_streaming_set_connect_retries() for the attempts). */
aai_status aai_streaming_set_connect_timeout_ms(aai_streaming *session, long timeout_ms);

/** Handshake retries of aai_streaming_connect(). Defaults as the official Python SDK 1.8.2
    (max_connection_retries 2, connection_retry_delay 0.5 s, a constant delay): max_retries 2,
    delay_ms 500, backoff 1.0. An attempt that fails BEFORE the WebSocket upgrade completed, with
    a failure that can pass, is made again: no connection, a reset or end of the connection during
    the handshake, a timeout of the attempt, and (unlike 1.8.2, which never retries an HTTP
    answer) an upgrade refused with HTTP 429 or 5xx. The wait before retry n (1, 2, ...) is
    delay_ms * backoff^(n-1), at least the refusal's Retry-After, at most 60 s. Never retried: TLS
    failures, other HTTP refusals (401, 403, 400, ...) and everything after the upgrade (a close
    code such as v3 1008 or 3006, no Begin within the time limit). max_retries 0..100 (0: one
    attempt), delay_ms 0..60000, backoff 1..10; anything else is AAI_ERR_INVALID_ARGUMENT.
    Before aai_streaming_connect() only. */
aai_status aai_streaming_set_connect_retries(aai_streaming *session, int max_retries, long delay_ms, double backoff);

/** Told about each connection attempt that failed and will be retried: `attempt` (1 for the
    first), `max_attempts` (max_retries + 1), the failure's status and HTTP status (0 when it was
    not an HTTP answer), `delay_ms` (the wait before the next attempt) and its message (borrowed:
    valid during the call). Runs on the thread inside aai_streaming_connect(), before the wait; it
    must not call aai_streaming_connect() nor aai_streaming_free() on this session. */
typedef void (*aai_streaming_connect_retry_callback)(int attempt, int max_attempts, aai_status status, int http_status,
                                                     long delay_ms, const char *message, void *user_data);

/** Sets the retry callback and its user data (NULL removes it). Thread-safe. */
aai_status aai_streaming_set_connect_retry_callback(aai_streaming *session, aai_streaming_connect_retry_callback callback,
                                                    void *user_data);

/** Keep-alive: when nothing moved either way for `interval_ms`, a WebSocket ping is sent; if no
    byte comes back within another `interval_ms`, the connection is declared lost (ERROR with
    AAI_ERR_CONNECTION, then CLOSED). 0 disables it; default 15000. Pings do not count as audio:
    the server's own idle/inactivity limits still apply. */
aai_status aai_streaming_set_keepalive_ms(aai_streaming *session, long interval_ms);

/** Capacity of the outgoing audio queue in bytes (default 4 MiB, >= 1). A single send larger
    than the capacity is accepted when the queue is empty. */
aai_status aai_streaming_set_queue_capacity(aai_streaming *session, size_t bytes);

/** How long aai_streaming_send_audio() waits for room in a full queue, in ms (default 1000;
    0 fails at once with AAI_ERR_TIMEOUT). */
aai_status aai_streaming_set_send_timeout_ms(aai_streaming *session, long timeout_ms);

/** The URL connect uses (with the query; a token is shown as "***"). Owned by the caller:
    release *out with aai_string_free(). */
aai_status aai_streaming_url(const aai_streaming *session, char **out);

/* ---- The session ---- */

/** Connects and returns when the session has begun (the OPENED event follows on the callback
    thread), or fails: AAI_ERR_AUTH (v2 4001, v3 1008, HTTP 401), AAI_ERR_INVALID_ARGUMENT (bad
    parameters, e.g. v2 4000), AAI_ERR_TIMEOUT (nothing within the connect timeout),
    AAI_ERR_CONNECTION, AAI_ERR_TLS...; the message names the close code, its meaning and the
    server's reason. Never leaves a callback pending. AAI_ERR_STATE if already connected. */
aai_status aai_streaming_connect(aai_streaming *session);

/** Queues `size` bytes (>= 1) of audio (copied) in the session's encoding, in pieces of any size,
    from any thread. The session frames the audio into the messages the API accepts (v3: 50 to
    1000 ms per message; v2: 100 to 2000 ms), exactly so:
    - pieces are appended to a pending buffer; once it holds at least the minimum duration it is
      sent, whole when it is at most the maximum, otherwise in messages of the maximum (the last
      two balanced so none is under the minimum). A piece of a valid duration that arrives with
      nothing pending goes out unchanged, as one message, at once;
    - messages hold whole samples (pcm_s16le: an odd byte waits for the next piece);
    - aai_streaming_close() and aai_streaming_force_endpoint() first send a pending tail shorter
      than the minimum, completed with silence (zero samples; 0xFF for pcm_mulaw) to the minimum
      (v3 50 ms, v2 100 ms): nothing sent is lost and the server accepts every message. Other
      control messages go out at once, ahead of such a tail;
    - the compressed v3 encodings (opus, ogg_opus, aac) are not framed: each call's bytes go out
      unchanged as one binary message (so for opus, one call per Opus packet; ogg_opus and aac
      streams may be cut anywhere), nothing is added at close, and no size limit but the queue's
      applies (the local test server takes messages up to 1 MiB).
    Fails with AAI_ERR_STATE when the session is not open and AAI_ERR_TIMEOUT when the queue
    stayed full for the send timeout. */
aai_status aai_streaming_send_audio(aai_streaming *session, const void *data, size_t size);

/** Ends the current utterance / turn now: v2 {"force_end_utterance": true}, v3 ForceEndpoint. */
aai_status aai_streaming_force_endpoint(aai_streaming *session);

/** v3 UpdateConfiguration during the session: `json_object` holds the fields
    (e.g. "{\"min_turn_silence\": 200, \"max_turn_silence\": 1000}"; "type" is added). Known fields
    are checked: min_turn_silence / max_turn_silence integers >= 0, end_of_turn_confidence_threshold
    and vad_threshold 0..1, prompt a string, keyterms_prompt an array of strings; others are sent
    as given. */
aai_status aai_streaming_update_configuration(aai_streaming *session, const char *json_object);

/** Sends a JSON object as a text message, as given (e.g. "{\"type\": \"KeepAlive\"}" for servers
    that know it). The escape hatch for messages this version does not know. */
aai_status aai_streaming_send_json(aai_streaming *session, const char *json_object);

/** Terminates the session and waits for the end: sends the queued audio, then v2
    {"terminate_session": true} / v3 {"type": "Terminate"}, and returns when the server's
    SessionTerminated / Termination and its close have arrived AND every event up to CLOSED has
    been delivered, so the last transcripts are in before it returns. AAI_OK for a clean end.
    If `timeout_ms` passes first, the connection is closed and AAI_ERR_TIMEOUT is returned
    (ERROR and CLOSED events still come). If the session had already ended with an error (a
    close code, a lost connection), that error is returned. Closing a session that is not
    connected, or already closed, is AAI_OK. Called from a callback of this session: starts the
    termination and returns AAI_OK at once. Called from a callback of another session, it waits
    as from any thread; the pool starts a temporary callback thread if needed so that this
    session's events can still be delivered (it ends once no callback waits). */
aai_status aai_streaming_close(aai_streaming *session, long timeout_ms);

/** The session id from SessionBegins / Begin, or NULL before the session began. Borrowed: valid
    until the session is freed. */
const char *aai_streaming_session_id(const aai_streaming *session);

/** The close code that ended the connection (0 while none; 1006 when it ended without a close
    frame). Also set after a connect the server refused. */
int aai_streaming_close_code(const aai_streaming *session);

/** The reason of that close ("" when none), or NULL while not closed. Borrowed: valid until the
    session is freed. */
const char *aai_streaming_close_reason(const aai_streaming *session);

/** The documented meaning of a close code for a protocol (e.g. v2 4031 "Session idle for too
    long", v3 3007 "Input duration violation ..."), or NULL for an unknown code. Static storage. */
const char *aai_streaming_close_code_meaning(aai_streaming_protocol protocol, int close_code);

/** Audio bytes accepted by send calls so far (*queued) and handed to the connection (*written;
    the silence that completes a short tail is not counted, and a tail still pending in the
    framer is not written yet). Either pointer may be NULL. */
aai_status aai_streaming_audio_bytes(const aai_streaming *session, uint64_t *queued, uint64_t *written);

/* ---- Audio sources ---- */

/** Streams a WAV file on the calling thread and returns when all of it is queued (waiting, not
    failing, while the queue is full). The file must be 16-bit PCM mono at the session's
    sample rate and the session's encoding pcm_s16le: anything else (not a WAV, stereo, 8-bit,
    another rate) is AAI_ERR_INVALID_ARGUMENT naming the problem, before anything is sent; a
    missing file is AAI_ERR_IO. `chunk_ms` is the duration of each piece read (0: 100 ms; any
    duration: the pieces are framed as aai_streaming_send_audio() says). `realtime` non-zero
    paces the chunks at the audio's own speed, as a live source would. Do not call it from a
    callback (it blocks the callback thread). */
aai_status aai_streaming_send_wav_file(aai_streaming *session, const char *path, int chunk_ms, int realtime);

/** Starts capturing from an ALSA capture device (NULL: "default"; e.g. "hw:1,0", or a PCM
    defined in an ALSA configuration file) at the session's sample rate, 16-bit mono, and sends
    chunks of `chunk_ms` (0: 100 ms; framed as aai_streaming_send_audio() says) from a capture
    thread of the session. Stops by itself after
    `max_duration_ms` of audio (0: runs until stopped, closed or freed). A device that cannot be
    opened is AAI_ERR_IO, here; errors while capturing arrive as ERROR events (the session goes
    on). The session must be open and its encoding pcm_s16le. */
aai_status aai_streaming_start_microphone(aai_streaming *session, const char *device, int chunk_ms, long max_duration_ms);

/** Stops the microphone and waits for its thread (the audio it captured is queued before this
    returns). aai_streaming_close() and aai_streaming_free() stop it too. No-op when not capturing. */
aai_status aai_streaming_stop_microphone(aai_streaming *session);

/* ---- The process's streaming threads ---- */

/** Sets how many callback threads deliver the events of all the process's streaming sessions
    (0..64; default 8): the process's callback model. Only before the first session connects
    (AAI_ERR_STATE afterwards: the pool has started). 1 delivers every session's events on one
    thread, in one global order (no two callbacks ever run at once); more threads let slow
    callbacks of different sessions overlap. The I/O thread is always one.
    0: no callback thread; the I/O thread runs each callback itself, right after reading the
    event (no hand-over to another thread, so no wait for that thread's CPU: the lowest latency
    under load). Such callbacks must be short and must never block: while one runs, no
    session's socket is served. Inside them (on the I/O thread), for any session:
    aai_streaming_close() starts the termination and returns at once (the remaining events
    follow); aai_streaming_free() returns at once (no callback of that session runs afterwards;
    its socket is closed once the running callback returned); a send whose queue is full fails
    at once with AAI_ERR_TIMEOUT instead of waiting; aai_streaming_connect() fails with
    AAI_ERR_STATE (connect from another thread); stopping a microphone waits for its capture
    thread (up to one ALSA period). Events of a session posted by another thread (a microphone's
    error) are delivered by the I/O thread, in order. A process-wide setting: thread-safe, no
    handle. */
aai_status aai_streaming_set_callback_threads(int threads);

/** Turns low-latency scheduling of the streaming threads on (1, the default) or off (0). Only
    before the first session connects (AAI_ERR_STATE afterwards). On: the I/O and callback threads
    ask the kernel for a short time slice (100 us; Linux 6.12 and later, where a woken thread with
    a shorter slice runs before one in the middle of a longer slice; older kernels ignore it), and
    the I/O thread yields the CPU each time it hands a session's events to a callback thread, so
    that the callback runs at once even when both share a busy core. It gives no thread more CPU
    time. Measured with 1000 sessions all sending at the same instant on 2 cores beside the local
    server: socket read -> callback p99 under 1 ms with it, 2-7 ms without (README, "Streaming at
    scale"). Off leaves both threads to the scheduler's defaults (fewer context switches). A
    process-wide setting: thread-safe, no handle. */
aai_status aai_streaming_set_low_latency(int enabled);

/** The process's streaming threads now: *io_threads (0 before the first session connected, then
    1), *callback_threads (the pool, including temporary ones) and *sessions (sessions in the I/O
    loop now). Any pointer may be NULL. Thread-safe. */
aai_status aai_streaming_threads(int *io_threads, int *callback_threads, int *sessions);

/* ---- Temporary tokens ---- */

/** Creates a realtime v2 temporary token: POST /v2/realtime/token on the client's base URL, valid
    for `expires_in_seconds` (>= 60). *token is owned by the caller: release it with aai_string_free(). */
aai_status aai_streaming_create_token_v2(aai_client *client, int expires_in_seconds, char **token);

/** Creates a v3 temporary token: GET /v3/token on the streaming host (`streaming_url`, or NULL
    for the v3 default described at aai_streaming_new()), valid for `expires_in_seconds`
    (1..600), for sessions of at most `max_session_duration_seconds` (60..10800; 0: not sent,
    the server's default of 3 hours). *token is owned by the caller: release it with aai_string_free(). */
aai_status aai_streaming_create_token_v3(aai_client *client, const char *streaming_url, int expires_in_seconds,
                                         int max_session_duration_seconds, char **token);

/* ======================================================================================
 * Sync API: one request, the transcript back (clips up to 120 s)
 *
 * The Sync API (https://sync.assemblyai.com) takes WAV, or raw 16-bit little-endian PCM with
 * its sample rate and channel count, and answers the finished transcript in the same request:
 * no transcript id, no polling. Every call posts the same request the official Python SDK
 * 1.8.2 sends: a chunked multipart POST /v1/transcribe/live whose JSON "config" part comes
 * first and whose "audio" part follows as it is produced (a whole clip is a stream whose bytes
 * are all ready at once). The speech model goes in the X-AAI-Model header. Nothing is retried:
 * the audio of a live upload is gone once sent.
 *
 * Checked before anything is sent: the config's caps (prompt 6000 characters, keyterms_prompt
 * 100 terms / 8000 characters; conversation_context is trimmed, oldest turns first, to 500
 * turns / 16000 characters), raw PCM without both sample_rate and channels, a format that is
 * neither WAV nor raw PCM, and audio over 120 s (AAI_ERR_INVALID_ARGUMENT, with a message that
 * says which). For a live upload the format is checked on its first bytes before any of the
 * body leaves, and the limit as the audio goes: going over it drops the request.
 *
 * Errors. A non-200 answer gives the aai_status of its HTTP status (AAI_ERR_HTTP for 400, AAI_ERR_AUTH,
 * AAI_ERR_RATE_LIMITED, AAI_ERR_SERVER, ...) and, on this thread, the HTTP status, the server's
 * message (aai_last_error_server_text()), its machine-readable code (aai_last_error_api_code():
 * "bad_audio", "audio_too_large", "capacity_exceeded", ...: the snake_cased problem-details
 * title) and Retry-After (aai_last_error_retry_after()). A connection that breaks during an
 * upload is AAI_ERR_CONNECTION (or AAI_ERR_TIMEOUT): never a partial transcript.
 *
 * Timeouts (per operation, as 1.8.2): a transcription bounds connecting and any stall of the
 * connection (no byte moving either way) by the client's sync live timeout (180 s by default;
 * time spent waiting for the caller's audio is not counted); aai_sync_warm() by the sync HTTP
 * timeout (60 s), at most 10 s.
 *
 * Threads. aai_sync_transcriber and aai_sync_config are thread-safe (a call takes a snapshot
 * of the config); aai_sync_result is immutable. An aai_sync_live session may be written to,
 * closed and cancelled from any thread.
 * ==================================================================================== */

/** The machine-readable error code of the Sync or Dictation API answer behind the last failing
    call on this thread ("audio_too_large", ...), or NULL when there was none. Borrowed: valid
    until the next failing call on this thread. */
const char *aai_last_error_api_code(void);

/** The server's Retry-After (seconds) of the last failing call on this thread, or -1 when the
    answer had none (the Sync and Dictation APIs send it with 429 and 503). */
long aai_last_error_retry_after(void);

/** Sets the Sync API's base URL (default "https://sync.assemblyai.com", or the environment
    variable ASSEMBLYAI_SYNC_BASE_URL when set when the client was created). Same rules as
    aai_client_set_base_url(). */
aai_status aai_client_set_sync_base_url(aai_client *client, const char *base_url);

/** Sets the Sync API's timeouts in milliseconds (both > 0): `http_timeout_ms` (default 60000,
    ASSEMBLYAI_SYNC_HTTP_TIMEOUT in seconds) bounds aai_sync_warm() (at most 10 s of it);
    `live_http_timeout_ms` (default 180000, ASSEMBLYAI_SYNC_LIVE_HTTP_TIMEOUT in seconds) bounds
    each operation of a transcription. */
aai_status aai_client_set_sync_timeouts_ms(aai_client *client, long http_timeout_ms, long live_http_timeout_ms);

/** The options of a Sync or Dictation request: its JSON "config" part, and for the Sync API the
    speech model. Thread-safe. */
typedef struct aai_sync_config aai_sync_config;

/** Creates an empty config (the API's defaults; Sync model "universal-3-5-pro"). Owned by the
    caller: release it with aai_sync_config_free(). */
aai_status aai_sync_config_new(aai_sync_config **out);

/** Releases a config. NULL is a no-op. */
void aai_sync_config_free(aai_sync_config *config);

/** Merges a JSON object into the config part: each top-level key replaces the field of that
    name, null removes it. Text that is not a JSON object is AAI_ERR_INVALID_ARGUMENT and the
    config is left unchanged. Fields are checked against the API when a call uses the config. */
aai_status aai_sync_config_set_json(aai_sync_config *config, const char *json_object);

/** The config part as it would be sent for the Sync API (dictation = 0) or the Dictation API
    (dictation = 1), after the checks and the normalisation described above (a field the
    Dictation API does not take is AAI_ERR_INVALID_ARGUMENT). Owned by the caller: release *out
    with aai_string_free(). */
aai_status aai_sync_config_to_json(const aai_sync_config *config, int dictation, char **out);

/** Sets a string field ("prompt", "stt_prompt", "llm_instruction", "rewrite_mode", ...); NULL
    removes it. The string is copied. */
aai_status aai_sync_config_set_string(aai_sync_config *config, const char *field, const char *value);

/** Sets a field that is an array of strings ("keyterms_prompt", "conversation_context",
    "language_codes") to `count` strings (copied); count 0 removes it. */
aai_status aai_sync_config_set_strings(aai_sync_config *config, const char *field, const char *const *values, size_t count);

/** Sets an integer field ("sample_rate", "channels"); a negative value removes it. */
aai_status aai_sync_config_set_int(aai_sync_config *config, const char *field, int64_t value);

/** Sets a boolean field ("timestamps"); a negative value removes it. */
aai_status aai_sync_config_set_bool(aai_sync_config *config, const char *field, int value);

/** Sets the Sync API speech model sent as X-AAI-Model; NULL restores "universal-3-5-pro". */
aai_status aai_sync_config_set_model(aai_sync_config *config, const char *model);

/** A finished Sync (or Dictation) transcript. Immutable; thread-safe. */
typedef struct aai_sync_result aai_sync_result;

/** One word of an aai_sync_result. `text` is borrowed from the result. start_ms and end_ms
    are -1 unless the Sync request set "timestamps" (never for Dictation). */
typedef struct aai_sync_word {
    const char *text;
    int64_t start_ms;
    int64_t end_ms;
    double confidence;
} aai_sync_word;

/** Releases a result. NULL is a no-op. */
void aai_sync_result_free(aai_sync_result *result);

/** The transcript text (Dictation: the raw transcript). Borrowed: valid until the result is
    freed. NULL (with the error recorded) for a bad handle. */
const char *aai_sync_result_text(const aai_sync_result *result);

/** The whole answer as JSON text. Borrowed: valid until the result is freed. */
const char *aai_sync_result_json(const aai_sync_result *result);

/** The server's id of the request (quote it to support). Borrowed: valid until the result is freed. */
const char *aai_sync_result_session_id(const aai_sync_result *result);

/** Overall confidence 0..1 (-1 for a bad handle). */
double aai_sync_result_confidence(const aai_sync_result *result);

/** The audio's duration in milliseconds (-1 for a bad handle). */
int64_t aai_sync_result_audio_duration_ms(const aai_sync_result *result);

/** The server's own time for the request in milliseconds, or -1 when it did not say. */
double aai_sync_result_request_time_ms(const aai_sync_result *result);

/** The number of words (0 for a bad handle). */
size_t aai_sync_result_word_count(const aai_sync_result *result);

/** Writes word `index` (< aai_sync_result_word_count()) to *out; its text is borrowed from the
    result. An index out of range is AAI_ERR_INVALID_ARGUMENT. */
aai_status aai_sync_result_word(const aai_sync_result *result, size_t index, aai_sync_word *out);

/** Sends Sync or Dictation requests through a client (which it keeps alive). Thread-safe. */
typedef struct aai_sync_transcriber aai_sync_transcriber;

/** Creates a Sync API transcriber. Owned by the caller: release it with aai_sync_transcriber_free(). */
aai_status aai_sync_transcriber_new(aai_client *client, aai_sync_transcriber **out);

/** Releases a transcriber. NULL is a no-op. Live sessions opened from it keep working. */
void aai_sync_transcriber_free(aai_sync_transcriber *transcriber);

/** Transcribes a local file (WAV; raw PCM when its name ends in .pcm or .raw, or when `config`
    sets sample_rate or channels, and then it must set both). `config` may be NULL. Blocks until
    the transcript is back. *out is owned by the caller: release it with aai_sync_result_free(). */
aai_status aai_sync_transcribe_file(aai_sync_transcriber *transcriber, const char *path,
                                    const aai_sync_config *config, aai_sync_result **out);

/** Transcribes audio bytes (WAV, or raw PCM as for aai_sync_transcribe_file()); the bytes are
    read during the call only. *out is owned by the caller: release it with aai_sync_result_free(). */
aai_status aai_sync_transcribe_bytes(aai_sync_transcriber *transcriber, const void *data, size_t size,
                                     const aai_sync_config *config, aai_sync_result **out);

/** Transcribes raw 16-bit little-endian PCM of `sample_rate` Hz and `channels` channels (both
    > 0; they replace those of `config`). *out is owned by the caller: release it with
    aai_sync_result_free(). */
aai_status aai_sync_transcribe_pcm(aai_sync_transcriber *transcriber, const void *data, size_t size,
                                   int sample_rate, int channels, const aai_sync_config *config,
                                   aai_sync_result **out);

/** Transcribes audio read as it is produced: `read` (an aai_read_callback, called on this
    thread, which it may block) fills the buffer and returns the count, 0 at the end of the
    audio, or -1 to drop the request (AAI_ERR_IO, no transcript). `filename` (may be NULL) picks
    the format by its extension as for a file. The body is sent with chunked transfer encoding as
    the audio comes. *out is owned by the caller: release it with aai_sync_result_free(). */
aai_status aai_sync_transcribe_reader(aai_sync_transcriber *transcriber, aai_read_callback read, void *user_data,
                                      const char *filename, const aai_sync_config *config, aai_sync_result **out);

/** Transcribes what the file descriptor `fd` yields until its end (a pipe from a recorder, a
    file that is still being written and then closed by its writer). The descriptor stays the
    caller's; it is read on this thread, blocking (a non-blocking descriptor that has no data
    yet is AAI_ERR_IO). *out is owned by the caller: release it with aai_sync_result_free(). */
aai_status aai_sync_transcribe_fd(aai_sync_transcriber *transcriber, int fd, const char *filename,
                                  const aai_sync_config *config, aai_sync_result **out);

/** Opens the connection to the API ahead of time (GET /v1/warm), so the next request reuses
    it; call it when you know audio is coming. AAI_OK once any HTTP answer came (the socket is
    open; the key is not checked), AAI_ERR_CONNECTION or AAI_ERR_TIMEOUT when the connection
    could not be made. The connection stays reusable while it is idle in the client's pool. */
aai_status aai_sync_warm(aai_sync_transcriber *transcriber);

/** A live upload: the request starts when it is opened, audio is pushed in as it is captured,
    and the transcript comes back when the audio ends. */
typedef struct aai_sync_live aai_sync_live;

/** Called once when a live session's outcome is known (also after aai_sync_live_cancel(), with
    AAI_ERR_CANCELLED), on the session's own thread. It may call aai_sync_live_result() (which
    returns at once) and aai_sync_live_free() on its session; it must not block for long. */
typedef void (*aai_sync_live_callback)(aai_sync_live *session, aai_status status, void *user_data);

/** Opens a live upload: the request starts at once on a thread of the session. `filename` (may
    be NULL) names the audio part and picks the format by its extension as for a file; `config`
    (may be NULL; raw PCM needs sample_rate and channels) is copied. `on_done` (may be NULL) is called as
    described above with `user_data`, which must stay valid until it ran. *out is owned by the
    caller: release it with aai_sync_live_free(). */
aai_status aai_sync_live_open(aai_sync_transcriber *transcriber, const char *filename, const aai_sync_config *config,
                              aai_sync_live_callback on_done, void *user_data, aai_sync_live **out);

/** Queues audio (copied) for the upload. Safe from any thread, including an audio callback; it
    never waits for the network. After close, AAI_ERR_STATE; after cancel, AAI_ERR_CANCELLED. Once
    the request has failed (the server refused it, the connection broke, the 120 s limit was
    passed), audio is dropped with AAI_OK and aai_sync_live_result() reports the failure. */
aai_status aai_sync_live_write(aai_sync_live *session, const void *data, size_t size);

/** Ends the audio: the server transcribes what was sent. Idempotent; never blocks. */
aai_status aai_sync_live_close(aai_sync_live *session);

/** Ends the audio if still open and waits for the transcript. A connection that broke, a limit
    passed, or a cancel is an error, never a partial transcript. May be called again (the same
    outcome). *out is owned by the caller: release it with aai_sync_result_free(). */
aai_status aai_sync_live_result(aai_sync_live *session, aai_sync_result **out);

/** Drops the request without a transcript. Returns at once, from any thread; a result() that is
    waiting returns AAI_ERR_CANCELLED at once; the connection is closed within about a second. */
aai_status aai_sync_live_cancel(aai_sync_live *session);

/** Cancels the session if it is still running and releases it. NULL is a no-op. If the session
    was still running, its on_done callback still runs once (with AAI_ERR_CANCELLED) on the
    session's thread shortly after, with the freed handle: keep its user_data valid until then. */
void aai_sync_live_free(aai_sync_live *session);

/* ======================================================================================
 * Dictation API: a spoken note back as text, optionally rewritten by an LLM
 *
 * The Dictation API (https://dictation.assemblyai.com) has the Sync API's shapes: the same
 * request (POST /v1/transcribe/live, config part first; no model header), the same checks,
 * errors and live sessions, and the same types (aai_sync_config, aai_sync_result, aai_sync_live).
 * Its config takes exactly: sample_rate, channels, language_codes, stt_prompt (6000
 * characters), keyterms_prompt, llm_instruction (2048 characters) and rewrite_mode ("fast" or
 * "smart"); any other field is AAI_ERR_INVALID_ARGUMENT before anything is sent. A file's
 * extension gives the Content-Type 1.8.2 sends; audio that is neither WAV nor raw PCM is
 * refused before anything is sent. Its per-operation timeout is the client's dictation timeout
 * (300 s by default); aai_sync_warm() on a Dictation transcriber uses at most 10 s of it.
 * ==================================================================================== */

/** Sets the Dictation API's base URL (default "https://dictation.assemblyai.com", or
    ASSEMBLYAI_DICTATION_BASE_URL). Same rules as aai_client_set_base_url(). */
aai_status aai_client_set_dictation_base_url(aai_client *client, const char *base_url);

/** Sets the Dictation API's per-operation timeout in milliseconds (> 0; default 300000,
    ASSEMBLYAI_DICTATION_HTTP_TIMEOUT in seconds). */
aai_status aai_client_set_dictation_timeout_ms(aai_client *client, long timeout_ms);

/** Creates a Dictation API transcriber: use it with every aai_sync_transcribe_*, aai_sync_warm()
    and aai_sync_live_open() call, which then go to the Dictation API. Owned by the caller:
    release it with aai_sync_transcriber_free(). */
aai_status aai_dictation_transcriber_new(aai_client *client, aai_sync_transcriber **out);

/** The text to show the user: the LLM rewrite when there is one, the raw transcript otherwise
    (and for Sync results). Borrowed: valid until the result is freed. */
const char *aai_dictation_result_final_text(const aai_sync_result *result);

/** The LLM rewrite, or NULL when no llm_instruction was sent or the pass failed. Borrowed:
    valid until the result is freed. */
const char *aai_dictation_result_llm_response(const aai_sync_result *result);

/** Why the LLM pass failed, or NULL. Borrowed: valid until the result is freed. */
const char *aai_dictation_result_llm_error(const aai_sync_result *result);

/* ======================================================================================
 * Text-to-Speech
 * ==================================================================================== */
/* (section: tts)
 *
 * Text in, speech out, over the Text-to-Speech API's own host: the client's TTS base URL,
 * https://tts.us.assemblyai.com by default (https://tts.eu.assemblyai.com keeps requests in the
 * EU data zone; $ASSEMBLYAI_TTS_BASE_URL at aai_client_new()). One text (1 to 5000 characters)
 * per request, POST /v1/speech:
 *   aai_tts_synthesize()     the complete clip ("stream": false), in the result;
 *   aai_tts_stream()         the audio to a callback as the API generates it ("stream": true);
 *   aai_tts_stream_events()  audio and word timings (POST /v1/speech/events, Server-Sent Events);
 *   aai_tts_start_async()    any of the three on the library's worker pool, with an aai_future.
 * Options (voice, model, language, sample rate, encoding, container, bit rate) go in an
 * aai_tts_config; unset options take the API's defaults (aai-jane, assemblyai-tts-1, 24000 Hz,
 * pcm_s16le, raw).
 *
 * Errors. An empty or over-long text is AAI_ERR_INVALID_ARGUMENT before anything is sent. A
 * refusal of the API (a voice that does not exist: HTTP 422 "voice_not_found"; a bad option:
 * 422 "invalid_parameter") is AAI_ERR_HTTP (AAI_ERR_AUTH for 401/403, AAI_ERR_RATE_LIMITED for
 * 429, AAI_ERR_SERVER for 5xx) with the API's message as aai_last_error_server_text(), and the
 * call still hands back a result whose aai_tts_result_error_json() is the API's whole error
 * envelope (code, message, param, request_id, errors, retryable, retry_after_seconds). The API
 * commits to 200 with the first audio, so a stream cut after it (a dropped connection) fails
 * with AAI_ERR_CONNECTION and HTTP status 200: retry the whole request; what arrived is never
 * presented as a complete clip. Requests are not retried by the library, and each opens a
 * connection of its own, so a billed request is never sent twice by the transport either.
 *
 * Timeouts, as the official SDK: connecting and each wait for data of a stream are bounded by
 * the client's TTS timeout (30 s); the wait for a synthesized clip by its synthesize timeout
 * (610 s). Both bound a stall (no byte moving, checked about once a second), not the request
 * end to end.
 *
 * Threads. aai_tts_config locks internally; aai_tts_result is immutable. The blocking calls run
 * their callbacks on the calling thread; aai_tts_start_async() runs them on a worker thread. A
 * callback must not block for long and must not free the client it runs under; it may call any
 * other aai_* function. To stop a call from another thread, start it with aai_tts_start_async()
 * and call aai_future_cancel(), which returns at once.
 */

/** Options of a Text-to-Speech request. Owned by the caller: release it with
    aai_tts_config_free(). Thread-safe. */
typedef struct aai_tts_config aai_tts_config;

/** Creates an empty config (every option at the API's default). *out is owned by the caller. */
aai_status aai_tts_config_new(aai_tts_config **out);

/** Releases a config. NULL is a no-op. */
void aai_tts_config_free(aai_tts_config *config);

/** The voice: a voice of the library by its slug ("aai-jane", "aai-alba", "aai-anna",
    "aai-charles", "aai-eve", "aai-george", "aai-jean", "aai-mary", "aai-michael", "aai-paul",
    "aai-vera", and hundreds more), a voice's UUID, or one of the account's cloned voices. Only
    the API knows which exist. NULL unsets it. The string is copied. */
aai_status aai_tts_config_set_voice_id(aai_tts_config *config, const char *voice_id);

/** The model ("assemblyai-tts-1"). NULL unsets it. The string is copied. */
aai_status aai_tts_config_set_model_id(aai_tts_config *config, const char *model_id);

/** The language by its English name ("english", "spanish", "german", "french", "italian",
    "portuguese"). NULL unsets it. The string is copied. */
aai_status aai_tts_config_set_language(aai_tts_config *config, const char *language);

/** The output sample rate in Hz (8000, 16000, 22050, 24000, 44100 or 48000; the API checks it).
    0 unsets it; a negative value is AAI_ERR_INVALID_ARGUMENT. */
aai_status aai_tts_config_set_sample_rate(aai_tts_config *config, int sample_rate);

/** The output codec: "pcm_s16le", "pcm_mulaw", "pcm_alaw" or "mp3" (the API also takes "mulaw"
    and "alaw"). NULL unsets it. The string is copied. */
aai_status aai_tts_config_set_encoding(aai_tts_config *config, const char *encoding);

/** The container: "raw" or "wav" (PCM and G.711 only). NULL unsets it. The string is copied. */
aai_status aai_tts_config_set_container(aai_tts_config *config, const char *container);

/** The MP3 bit rate in bits per second (32000, 48000, 64000, 96000, 128000). 0 unsets it. */
aai_status aai_tts_config_set_bit_rate(aai_tts_config *config, int bit_rate);

/** Merges a JSON object into the options (any field the API reads, such as
    {"extend_biometric_consent": true}); a member set to null unsets it. "text" and "stream" are
    AAI_ERR_INVALID_ARGUMENT: they belong to each call. The string is copied. */
aai_status aai_tts_config_set_json(aai_tts_config *config, const char *json_object);

/** The options as a JSON object. *json is owned by the caller: release it with aai_string_free(). */
aai_status aai_tts_config_json(const aai_tts_config *config, char **json);

/** What the response headers say about the audio. Strings are NULL and numbers -1 when the API
    did not send the header. Borrowed from the result (or, in a callback, valid during the call). */
typedef struct aai_tts_info {
    const char *request_id;      /* X-Request-Id: quote it in support requests. */
    const char *region;
    const char *model;
    const char *voice_id;        /* The voice that spoke. */
    const char *language;
    const char *encoding;        /* Canonical: "pcm_mulaw", never "mulaw". */
    const char *container;       /* "raw" or "wav"; NULL for MP3. */
    const char *content_type;
    int sample_rate;
    int bit_rate;
    int64_t billed_characters;
    int64_t voice_expires_at;    /* A cloned voice's expiry, Unix seconds. */
    int64_t audio_duration_ms;   /* On a complete response; -1 on a stream with audio. */
} aai_tts_info;

/** One word of the text and when it is spoken, in ms from the start of the audio. `word` is one
    whitespace-delimited token of the text, verbatim. */
typedef struct aai_tts_word {
    const char *word;
    int64_t start_ms;
    int64_t end_ms;
    double confidence;
} aai_tts_word;

/** Receives audio as it arrives: `size` bytes at `audio` (not aligned to samples: carry an odd
    byte of 16-bit PCM over to the next call), and the response headers. Both pointers are valid
    only during the call. Return 0 to go on, non-zero to stop: the call then fails with
    AAI_ERR_CANCELLED. */
typedef int (*aai_tts_audio_callback)(const aai_tts_info *info, const void *audio, size_t size, void *user_data);

/** Receives word timings as soon as the server knows them (a batch of `count` words, in order;
    valid only during the call). Return 0 to go on, non-zero to stop (AAI_ERR_CANCELLED). */
typedef int (*aai_tts_words_callback)(const aai_tts_word *words, size_t count, void *user_data);

/** The outcome of a Text-to-Speech call: headers, the clip of aai_tts_synthesize(), the word
    timings of aai_tts_stream_events(), and for a refusal the API's error envelope. Immutable and
    thread-safe; owned by the caller: release it with aai_tts_result_free(). */
typedef struct aai_tts_result aai_tts_result;

/** Speaks `text` and waits for the complete clip (POST /v1/speech, "stream": false). `config` may
    be NULL (the API's defaults). *out (owned by the caller) is set on success, and also on a
    refusal with an HTTP answer, for aai_tts_result_error_json(). */
aai_status aai_tts_synthesize(aai_client *client, const char *text, const aai_tts_config *config,
                              aai_tts_result **out);

/** Speaks `text` and hands the audio to `on_audio` (not NULL) as it is generated (POST /v1/speech,
    "stream": true), on the calling thread; the first call comes with the first audio, before the
    clip is finished. Returns when the clip is complete. *out (owned by the caller; may be NULL
    when the caller needs no result) holds the headers; it is set as aai_tts_synthesize() says. */
aai_status aai_tts_stream(aai_client *client, const char *text, const aai_tts_config *config,
                          aai_tts_audio_callback on_audio, void *user_data, aai_tts_result **out);

/** aai_tts_stream() over the events route (POST /v1/speech/events): decoded audio to `on_audio`
    and word timings to `on_words` (either may be NULL), on the calling thread. The result holds
    every word, and the clip's duration from the stream's final event; a stream that ends before
    that event fails with AAI_ERR_CONNECTION. *out may be NULL. */
aai_status aai_tts_stream_events(aai_client *client, const char *text, const aai_tts_config *config,
                                 aai_tts_audio_callback on_audio, aai_tts_words_callback on_words,
                                 void *user_data, aai_tts_result **out);

/** Which call aai_tts_start_async() makes. */
typedef enum aai_tts_mode {
    AAI_TTS_SYNTHESIZE = 0,   /* aai_tts_synthesize() */
    AAI_TTS_STREAM = 1,       /* aai_tts_stream() */
    AAI_TTS_EVENTS = 2        /* aai_tts_stream_events() */
} aai_tts_mode;

/** Starts a Text-to-Speech call on the library's worker pool (see "Non-blocking calls") and
    returns at once with *out (owned by the caller: aai_future_free()). `on_audio` and `on_words`
    (may be NULL) get `user_data` and run on the worker thread; `callback` (may be NULL) gets
    `callback_user_data` when the call finished. aai_future_cancel() stops it and returns at
    once. Read the outcome with aai_future_tts_result(). An empty or over-long text, or a NULL
    client, is reported here, and no future is made. */
aai_status aai_tts_start_async(aai_client *client, aai_tts_mode mode, const char *text, const aai_tts_config *config,
                               aai_tts_audio_callback on_audio, aai_tts_words_callback on_words, void *user_data,
                               aai_future_callback callback, void *callback_user_data, aai_future **out);

/** The outcome of a finished aai_tts_start_async(): returns the status the blocking call would
    have returned (the failure's details as this thread's last error) and sets *out (owned by
    the caller, a new handle on each call) whenever a result exists, as the blocking calls do.
    AAI_ERR_STATE while the call runs; AAI_ERR_INVALID_ARGUMENT for a future of another kind. */
aai_status aai_future_tts_result(aai_future *future, aai_tts_result **out);

/** The headers. Borrowed: valid until the result is freed. NULL for a NULL or freed handle. */
const aai_tts_info *aai_tts_result_info(const aai_tts_result *result);

/** The headers as a JSON object with the official SDK's field names (request_id, region, model,
    voice_id, language, encoding, sample_rate, container, bit_rate, content_type,
    voice_expires_at, billed_characters, audio_duration_ms). Borrowed, NUL-terminated. */
aai_status aai_tts_result_info_json(const aai_tts_result *result, const char **json);

/** The clip of aai_tts_synthesize() (empty for the streaming calls, whose audio went to the
    callback). Borrowed: valid until the result is freed. */
aai_status aai_tts_result_audio(const aai_tts_result *result, const void **data, size_t *size);

/** Writes the clip of aai_tts_synthesize() to `path` (created or replaced). */
aai_status aai_tts_result_save(const aai_tts_result *result, const char *path);

/** The word timings of aai_tts_stream_events() as one array (empty otherwise). Borrowed. */
aai_status aai_tts_result_words(const aai_tts_result *result, const aai_tts_word **words, size_t *count);

/** The HTTP status of the answer (0 when none arrived). */
int aai_tts_result_http_status(const aai_tts_result *result);

/** The API's error envelope of a refusal as JSON text, or NULL when the call did not fail with
    one. Borrowed: valid until the result is freed. */
const char *aai_tts_result_error_json(const aai_tts_result *result);

/** Releases a result. NULL is a no-op. */
void aai_tts_result_free(aai_tts_result *result);

/** Sets the client's Text-to-Speech base URL (https, or http for a loopback host), without a
    trailing slash, e.g. "https://tts.eu.assemblyai.com". The string is copied. */
aai_status aai_client_set_tts_base_url(aai_client *client, const char *url);

/** Sets the client's Text-to-Speech timeouts in ms (> 0): `http_timeout_ms` bounds connecting and
    each wait for data of a stream (default 30000); `synthesize_timeout_ms` the wait for a whole
    clip of aai_tts_synthesize() (default 610000). 0 leaves a value unchanged. */
aai_status aai_client_set_tts_timeouts_ms(aai_client *client, long http_timeout_ms, long synthesize_timeout_ms);

/* --- Text-to-Speech WebSocket sessions ---------------------------------------------------
 *
 * A session (GET /v1/ws on the TTS host) keeps one connection open and speaks text as it is
 * written, as the official SDK 1.8.2's TTSSession: aai_tts_session_generate() appends text to the
 * current request, aai_tts_session_flush() concludes it (every flush and every cancel takes the
 * next flush_id, from 0), aai_tts_session_cancel() is the barge-in, aai_tts_session_terminate()
 * ends cleanly once the text already sent is spoken. A session streams raw pcm_s16le, pcm_mulaw
 * or pcm_alaw: a config with a wav container, mp3 or a bit rate is AAI_ERR_INVALID_ARGUMENT.
 *
 * Events reach the callback on the session's reader thread (one per connected session, made by
 * aai_tts_session_connect()), in arrival order. The callback may call aai_tts_session_generate(),
 * _flush(), _cancel(), _keep_alive() and _close() on its own session, but not _connect(),
 * _terminate() or _free() (they wait for the reader thread): AAI_ERR_STATE there. The session
 * handle is thread-safe. A failure mid-session arrives as an AAI_TTS_SESSION_ERROR event (once)
 * and is returned by the next send.
 */

/** A Text-to-Speech WebSocket session. Owned by the caller: release it with
    aai_tts_session_free(). Thread-safe. */
typedef struct aai_tts_session aai_tts_session;

/** What a session event is. New types may be added at the end in minor releases. */
typedef enum aai_tts_session_event_type {
    AAI_TTS_SESSION_BEGIN = 0,            /* the session is open: session_id, json (the Begin frame: id, expires_at, configuration) */
    AAI_TTS_SESSION_AUDIO = 1,            /* a piece of request flush_id's audio: audio, audio_size */
    AAI_TTS_SESSION_FLUSH_DONE = 2,       /* request flush_id's audio is complete: audio_duration_ms */
    AAI_TTS_SESSION_WORD_BOUNDARIES = 3,  /* word timings of flush_id on the session's timeline: words, word_count, audio_start_ms */
    AAI_TTS_SESSION_CANCELLED = 4,        /* the answer to a cancel: audio_duration_ms streamed for it */
    AAI_TTS_SESSION_TERMINATION = 5,      /* the summary after terminate: audio_duration_ms, billed_characters, json */
    AAI_TTS_SESSION_ERROR = 6             /* the session failed: status, close_code, message, json (the Error frame or NULL) */
} aai_tts_session_event_type;

/** One session event. Every pointer is valid only during the callback. Fields that do not apply
    to the type are 0 / NULL (flush_id -1). */
typedef struct aai_tts_session_event {
    aai_tts_session_event_type type;
    int64_t flush_id;
    const void *audio;
    size_t audio_size;
    int64_t audio_duration_ms;
    const aai_tts_word *words;
    size_t word_count;
    int64_t audio_start_ms;
    int64_t billed_characters;
    const char *session_id;
    const char *json;
    aai_status status;
    int close_code;
    const char *message;
} aai_tts_session_event;

/** Receives the events of a session, on its reader thread. */
typedef void (*aai_tts_session_callback)(const aai_tts_session_event *event, void *user_data);

/** Creates a session (nothing connects yet) with the client's settings and TTS base URL.
    `config` (may be NULL) is copied. `word_boundaries` non-zero asks for word timings (off by
    default, as in the official SDK); `inactivity_timeout_s` 5..120 (0: the API's 120 s);
    `token` (may be NULL) is a temporary token used instead of the API key. `callback` must not be
    NULL. *out is owned by the caller. */
aai_status aai_tts_session_new(aai_client *client, const aai_tts_config *config, int word_boundaries,
                               int inactivity_timeout_s, const char *token, aai_tts_session_callback callback,
                               void *user_data, aai_tts_session **out);

/** Connects and waits for the session to begin (at most `timeout_ms`; 0: 10 s). A refusal is
    the server's message: AAI_ERR_AUTH for a bad key, AAI_ERR_NOT_FOUND for an unknown voice
    (close code 3004), AAI_ERR_HTTP for other parameters. A session whose connection ended
    connects again. */
aai_status aai_tts_session_connect(aai_tts_session *session, long timeout_ms);

/** Appends `text` (joined exactly as sent; at most the session's limit per call, 2000
    characters by default) to the current request. The string is copied. */
aai_status aai_tts_session_generate(aai_tts_session *session, const char *text);

/** Concludes the current request; *flush_id (may be NULL) is its id. */
aai_status aai_tts_session_flush(aai_tts_session *session, int64_t *flush_id);

/** Barge-in: stops the request in flight and drops queued requests and unflushed text.
    *flush_id (may be NULL) is the id the cancel took. */
aai_status aai_tts_session_cancel(aai_tts_session *session, int64_t *flush_id);

/** Restarts the API's idle timer. */
aai_status aai_tts_session_keep_alive(aai_tts_session *session);

/** Ends the session cleanly: sends Terminate and waits (at most `timeout_ms`; 0: 10 s) for the
    summary (the TERMINATION event), then closes. AAI_OK when the summary arrived; the session's
    failure, or AAI_ERR_TIMEOUT, otherwise. */
aai_status aai_tts_session_terminate(aai_tts_session *session, long timeout_ms);

/** Closes the connection at once (audio in flight is dropped). Idempotent. */
aai_status aai_tts_session_close(aai_tts_session *session);

/** Closes and releases a session; the callback does not run once this returns. NULL is a no-op. */
void aai_tts_session_free(aai_tts_session *session);

#ifdef __cplusplus
}
#endif

#endif /* ASSEMBLYAI_H */
