/*
 * test_widget_sld_reference.c: bsim's copy of the widget's second-level-
 * domain table (sim/widgets/data/widget-sld-table.tsv, compiled in by
 * scripts/gen_sld_table.py) held against the reference it was taken from:
 * ../shared/reference/widget-sld-table.tsv row for row, and the Domain
 * derivation examples of widget-behaviour.md section H through the compiled
 * table. The reference is not part of the repository: without it beside the
 * checkout these tests skip and say so.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bsim/error.h"
#include "support.h"
#include "widgets/domain.h"
#include "widgets/sld_table.h"
#include "widgets/version.h"

#define REPO_TABLE "sim/widgets/data/widget-sld-table.tsv"
#define REF_TABLE "reference/widget-sld-table.tsv"
#define REF_BEHAVIOUR "reference/widget-behaviour.md"
#define SECTION_H "## H. Domain derivation, exactly"

/* The reference table has ~140 rows and section H ~15 examples; far fewer means the file is not what we expect. */
#define MIN_ROWS 100
#define MIN_EXAMPLES 10

/* A whole file under ../shared, or a skip that says what is missing and why it may be. */
static char *read_shared(const char *relative)
{
	const char *path = support_shared_path(relative);
	if (!path)
		cr_skip_test("%s not found under BSIM_SHARED (../shared beside the checkout): the widget's "
			     "reference is not part of the repository, so bsim's copy of the table is "
			     "not compared with it here",
			     relative);
	char *text = NULL;
	cr_assert_eq(support_read_file(path, &text, NULL), 0, "%s: cannot read", path);
	return text;
}

/* The next data row of a table file ("tld\tlabels", comments and blank lines skipped), cut in place; NULL at the end. */
static char *next_row(char **cursor, int *lineno)
{
	while (**cursor) {
		char *line = *cursor;
		char *nl = strchr(line, '\n');
		*cursor = nl ? nl + 1 : line + strlen(line);
		if (nl)
			*nl = '\0';
		(*lineno)++;
		if (*line && *line != '#')
			return line;
	}
	return NULL;
}

Test(widget_sld_reference, repo_copy_has_every_reference_row_verbatim)
{
	char *ref = read_shared(REF_TABLE);
	char *repo = NULL;
	const char *repo_path = support_source_path(REPO_TABLE);
	cr_assert_eq(support_read_file(repo_path, &repo, NULL), 0, "%s: cannot read", repo_path);
	char *rc = ref, *pc = repo;
	int rl = 0, pl = 0, rows = 0;
	for (;;) {
		char *r = next_row(&rc, &rl), *p = next_row(&pc, &pl);
		if (!r && !p)
			break;
		cr_assert(r, "%s:%d: a row the reference does not have: \"%.40s\"", REPO_TABLE, pl, p);
		cr_assert(p, "%s: ends where the reference has row %d (line %d): \"%.40s\"", REPO_TABLE, rows + 1,
			  rl, r);
		cr_assert_str_eq(p, r, "%s:%d: differs from %s line %d (spaces count): \"%.40s\" vs \"%.40s\"",
				 REPO_TABLE, pl, REF_TABLE, rl, p, r);
		rows++;
	}
	cr_assert_geq(rows, MIN_ROWS, "%s: only %d rows", REF_TABLE, rows);
	free(ref);
	free(repo);
}

Test(widget_sld_reference, compiled_table_is_the_reference)
{
	char *ref = read_shared(REF_TABLE);
	char *cursor = ref;
	int line = 0;
	size_t i = 0;
	for (char *r; (r = next_row(&cursor, &line)) != NULL; i++) {
		char *tab = strchr(r, '\t');
		cr_assert_not_null(tab, "%s:%d: no tab", REF_TABLE, line);
		*tab = '\0';
		cr_assert_lt(i, widget_sld_row_count, "compiled table ends before %s:%d (%s)", REF_TABLE, line, r);
		cr_assert_str_eq(widget_sld_rows[i].tld, r, "compiled row %zu vs %s:%d", i, REF_TABLE, line);
		cr_assert_str_eq(widget_sld_rows[i].labels, tab + 1, "compiled row %zu (%s) vs %s:%d", i, r,
				 REF_TABLE, line);
	}
	cr_assert_eq(i, widget_sld_row_count, "compiled table has %zu rows, %s has %zu", widget_sld_row_count,
		     REF_TABLE, i);
	free(ref);
}

/* One cell of a markdown table row "| a | b |": the n-th (0-based), trimmed, cut in place. */
static char *cell(char *row, int n)
{
	char *p = row;
	for (int i = 0; i <= n; i++) {
		p = strchr(p, '|');
		if (!p)
			return NULL;
		p++;
	}
	while (*p == ' ')
		p++;
	char *end = strchr(p, '|');
	if (!end)
		return NULL;
	while (end > p && end[-1] == ' ')
		end--;
	*end = '\0';
	return p;
}

Test(widget_sld_reference, section_h_examples_through_the_compiled_table)
{
	char *doc = read_shared(REF_BEHAVIOUR);
	char *h = strstr(doc, SECTION_H);
	cr_assert_not_null(h, "%s: no section \"%s\"", REF_BEHAVIOUR, SECTION_H);
	const widget_version *v = widget_version_default();
	int examples = 0;
	/* The example table is the first run of "| " lines after the heading; its header row names "host". */
	char *line = strstr(h, "\n| ");
	while (line && line[1] == '|') {
		line++;
		char *nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		char copy[512];
		snprintf(copy, sizeof copy, "%s", line);
		char *host = cell(line, 0);
		char *domain = host ? cell(copy, 1) : NULL;
		line = nl;
		if (!host || !domain || strcmp(host, "host") == 0 || strncmp(host, "---", 3) == 0)
			continue;
		/* The Domain cell may carry a note after the value: "host-only (\"\")", ".github.io (public suffix...)". */
		domain[strcspn(domain, " ")] = '\0';
		const char *want = strcmp(domain, "host-only") == 0 ? NULL : domain;
		char href[512];
		snprintf(href, sizeof href, "https://%s/", host);
		char *got = NULL;
		int rc = widget_page_cookie_domain(&got, href, v);
		cr_assert_eq(rc, 0, "%s: %s", href, bsim_error_last()->message);
		if (!want)
			cr_expect_null(got, "%s section H, host %s: got Domain=%s, want host-only", REF_BEHAVIOUR, host,
				       got);
		else
			cr_expect(got && strcmp(got, want) == 0, "%s section H, host %s: got %s, want Domain=%s",
				  REF_BEHAVIOUR, host, got ? got : "host-only", want);
		free(got);
		examples++;
	}
	cr_assert_geq(examples, MIN_EXAMPLES, "%s section H: only %d examples read", REF_BEHAVIOUR, examples);
	free(doc);
}
