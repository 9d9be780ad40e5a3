/* test_hex.c: hex digits and percent-escapes of util/hex.h. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <string.h>

#include "util/hex.h"

Test(hex, digit_values)
{
	static const struct {
		char c;
		int want;
	} rows[] = {{'0', 0}, {'9', 9}, {'a', 10}, {'f', 15}, {'A', 10}, {'F', 15},
		    {'g', -1}, {'G', -1}, {'/', -1}, {':', -1}, {'@', -1}, {'`', -1}, {'\0', -1}, {'%', -1}};
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
		cr_expect_eq(hex_value(rows[i].c), rows[i].want, "hex_value('%c')", rows[i].c);
}

Test(hex, escape_values)
{
	static const struct {
		const char *s;
		size_t n; /* bytes of s given; SIZE_MAX: strlen */
		int want;
	} rows[] = {
		{"%41", SIZE_MAX, 0x41},  {"%7e", SIZE_MAX, 0x7E},  {"%7E/x", SIZE_MAX, 0x7E}, {"%00", SIZE_MAX, 0},
		{"%ff", SIZE_MAX, 0xFF},  {"%4", SIZE_MAX, -1},     {"%4G", SIZE_MAX, -1},     {"%G4", SIZE_MAX, -1},
		{"A41", SIZE_MAX, -1},    {"", SIZE_MAX, -1},       {"%41", 2, -1}, /* the escape runs past the end */
	};
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		size_t n = rows[i].n == SIZE_MAX ? strlen(rows[i].s) : rows[i].n;
		cr_expect_eq(hex_escape_value(rows[i].s, n), rows[i].want, "hex_escape_value(\"%s\", %zu)", rows[i].s, n);
	}
}
