// The wide-character ncurses API with the macros Swift cannot import
// wrapped as functions. Only ChorusCurses imports this module.
#ifndef CHORUS_CNCURSESW_SHIM_H
#define CHORUS_CNCURSESW_SHIM_H
#define NCURSES_WIDECHAR 1
#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif
#include <locale.h>
#include <wchar.h>
#include <ncursesw/curses.h>

static inline WINDOW *chorus_stdscr(void) { return stdscr; }
static inline int chorus_lines(void) { return LINES; }
static inline int chorus_cols(void) { return COLS; }
static inline int chorus_colors(void) { return COLORS; }
static inline int chorus_key_resize(void) { return KEY_RESIZE; }
static inline int chorus_key_mouse(void) { return KEY_MOUSE; }
static inline int chorus_key_code_yes(void) { return KEY_CODE_YES; }
static inline int chorus_err(void) { return ERR; }
static inline attr_t chorus_a_bold(void) { return A_BOLD; }
static inline attr_t chorus_a_dim(void) { return A_DIM; }
static inline attr_t chorus_a_italic(void) { return A_ITALIC; }
static inline attr_t chorus_a_underline(void) { return A_UNDERLINE; }
static inline attr_t chorus_a_reverse(void) { return A_REVERSE; }
static inline mmask_t chorus_wheel_up(void) { return BUTTON4_PRESSED; }
static inline mmask_t chorus_wheel_down(void) {
#ifdef BUTTON5_PRESSED
    return BUTTON5_PRESSED;
#else
    return 0;
#endif
}
/// Sets attributes and an extended colour pair (pairs above 32767 need the opts form).
static inline int chorus_attr_set(attr_t attrs, int pair) { return wattr_set(stdscr, attrs, 0, &pair); }
/// Reads one key or character; returns OK, KEY_CODE_YES or ERR.
static inline int chorus_get_wch(wint_t *out) { return wget_wch(stdscr, out); }
#endif
