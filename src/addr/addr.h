/* The address grammar: a pure function from an address string to an address spec.
 * It knows no address family: it only splits words the way socat's lexer does.
 *
 *   bi-address     := single [ "!!" single ]
 *   single         := head { "," option }
 *   head           := KEYWORD { ":" param } | DIGIT | PATH-WITH-SLASH | "-"
 *   option         := NAME [ "=" value ]
 *
 * Lexer rules (socat's nestlex): terminators are "!!" "," ":" in the head, "!!" "," "=" in an
 * option name, "!!" "," in an option value. "\" escapes the next char everywhere (C escapes
 * \0 \a \b \f \n \r \t \v decoded, any other \X yields X, a trailing lone "\" is dropped).
 * '...' disables terminators and nesting; quotes removed, backslash escapes still apply.
 * "..." disables terminators; nested brackets and '...' inside are kept verbatim; outer quotes
 * removed. ( ) [ ] { } nest to any depth; terminators inside are literal; brackets are kept;
 * inside a bracket only its own closer ends it, a closer of another kind is literal.
 */
#ifndef DUCT_ADDR_H
#define DUCT_ADDR_H

#include <stddef.h>
#include <stdbool.h>

#define ADDR_WORD_MAX 512   /* socat's limit for address words */
#define ADDR_OPTWORD_MAX 2048

enum addr_form {
	AF_FORM_KEYWORD,   /* TYPE[:p...]: keyword holds TYPE as typed */
	AF_FORM_FDNUM,     /* a lone decimal digit: keyword = "FD", params[0] = the digit */
	AF_FORM_PATH,      /* first token contains '/': keyword = "GOPEN", params[0] = path */
	AF_FORM_STDIO,     /* "-": keyword = "-" (an alias of STDIO resolved by the handler table) */
};

struct addr_opt {
	char *name;        /* as typed (case preserved), unquoted/unescaped */
	char *value;       /* NULL when no "=" was given; "" for "name=" */
	char *text;        /* the raw option text as it appeared, for messages */
};

struct addr_single {
	enum addr_form form;
	char *keyword;     /* as typed; for shorthand forms see enum addr_form */
	char **params;     /* words after the keyword separated by ':' (unquoted/unescaped) */
	size_t nparams;
	struct addr_opt *opts;
	size_t nopts;
	char *text;        /* the raw text of this single address */
};

struct addr_spec {
	struct addr_single *single[2]; /* single[1] non-NULL only for READ!!WRITE dual addresses */
	bool dual;
	char *text;        /* the whole address as given */
};

/* Error detail for a failed parse: one line, names the address and what was expected. */
struct addr_error {
	char msg[512];
	size_t pos;        /* byte offset in the input where the problem was seen */
};

/* Parse one command-line address. Returns NULL and fills err on failure.
 * Never crashes or loops on any input (fuzzed). */
struct addr_spec *addr_parse(const char *text, struct addr_error *err);
void addr_spec_free(struct addr_spec *spec);

/* Low-level lexer, exposed for EXEC's command-line splitting (separator " ") and for
 * option value sub-splitting (":"). Reads from *in up to (not including) any unquoted,
 * unnested terminator from the NULL-terminated list `ends`, writes the unescaped word to a
 * freshly malloc'd string in *out, advances *in. Returns 0, or -1 with err filled
 * (unbalanced quote/bracket, word too long). */
int addr_lex_word(const char **in, const char *const *ends, size_t maxlen, char **out, struct addr_error *err);

/* Split a string into words separated by unquoted blanks using the lexer rules
 * (EXEC's argv). Returns a NULL-terminated malloc'd vector or NULL with err. */
char **addr_split_words(const char *text, struct addr_error *err);
void addr_free_words(char **words);

/* Like addr_lex_word, but *in points into `whole`: err->pos (and the offsets in the message)
 * are relative to `whole`, and the message reads `<what> "<whole>": ...` (what: "address",
 * "option", ...). maxlen counts the terminating NUL (512 allows 511 bytes); 0 means no limit.
 * A decoded \0 ends the C string early (as in socat). */
int addr_lex_word_in(const char *whole, const char *what, const char **in, const char *const *ends,
		     size_t maxlen, char **out, struct addr_error *err);

/* addr_lex_word_in for an option name or value: an unclosed quote or bracket reads
 * "syntax error in option" (socat's words there) instead of "unexpected end of address". */
int addr_lex_optword_in(const char *whole, const char *what, const char **in, const char *const *ends,
			size_t maxlen, char **out, struct addr_error *err);

/* addr_split_words with the message naming `<what> "<text>"` instead of "command line". */
char **addr_split_words_in(const char *text, const char *what, struct addr_error *err);

/* Fill err with the house style: `<what> "<whole, control chars as \xHH, cut at 200 bytes>": <detail>`,
 * always one line; err->pos = pos. err may be NULL. */
void addr_set_error(struct addr_error *err, const char *what, const char *whole, size_t pos,
		    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Edit distance helper for "did you mean" suggestions (case-insensitive). */
int addr_edit_distance(const char *a, const char *b);

#endif
