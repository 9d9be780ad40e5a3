/*
 * xml.c: scenario XML as text (xml.h). The one place that knows how a
 * scenario file is laid out when bsim writes one: indentation, comments,
 * durations, and escaping through the one XML escaper (util/xmlesc.c).
 */
#include "scenario/write/xml.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "util/xmlesc.h"

/* What stands for a byte XML cannot hold: ASCII, so a written scenario stays plain to read and diff. */
#define SCENARIO_XML_REPLACEMENT "?"

/* Longest comment text kept: a comment explains one step, and its values (URLs, names) are quoted short. */
#define SCENARIO_XML_COMMENT_MAX 1200

void scenario_xml_escaped(buf *b, const char *s, size_t len, bool attribute)
{
	xml_escape(b, s, len, attribute, SCENARIO_XML_REPLACEMENT);
}

void scenario_xml_prolog(buf *b, const char *text)
{
	buf_puts(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- ");
	xml_comment_text(b, text);
	buf_puts(b, " -->\n");
}

void scenario_xml_comment(buf *b, const char *fmt, ...)
{
	char text[SCENARIO_XML_COMMENT_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	buf_puts(b, "  <!-- ");
	xml_comment_text(b, text);
	buf_puts(b, " -->\n");
}

void scenario_xml_duration(buf *b, int64_t ms)
{
	if (ms % 1000)
		buf_printf(b, "%lldms", (long long)ms);
	else
		buf_printf(b, "%llds", (long long)(ms / 1000));
}

static void indent(buf *b, int depth)
{
	for (int i = 0; i < depth; i++)
		buf_puts(b, "  ");
}

void scenario_xml_open(buf *b, int depth, const char *element)
{
	indent(b, depth);
	buf_putc(b, '<');
	buf_puts(b, element);
}

void scenario_xml_attr_n(buf *b, const char *name, const char *value, size_t len)
{
	buf_putc(b, ' ');
	buf_puts(b, name);
	buf_puts(b, "=\"");
	scenario_xml_escaped(b, value, len, true);
	buf_putc(b, '"');
}

void scenario_xml_attr(buf *b, const char *name, const char *value)
{
	scenario_xml_attr_n(b, name, value, strlen(value));
}

void scenario_xml_end(buf *b, bool children)
{
	buf_puts(b, children ? ">\n" : "/>\n");
}

void scenario_xml_close(buf *b, int depth, const char *element)
{
	indent(b, depth);
	buf_printf(b, "</%s>\n", element);
}

void scenario_xml_text_element(buf *b, int depth, const char *element, const char *text)
{
	indent(b, depth);
	buf_printf(b, "<%s>", element);
	scenario_xml_escaped(b, text, strlen(text), false);
	buf_printf(b, "</%s>\n", element);
}

void scenario_xml_wait(buf *b, int64_t ms, const char *note)
{
	scenario_xml_open(b, 1, "wait");
	buf_puts(b, " for=\"");
	scenario_xml_duration(b, ms);
	buf_puts(b, "\"/>");
	if (note) {
		buf_puts(b, " <!-- ");
		xml_comment_text(b, note);
		buf_puts(b, " -->");
	}
	buf_putc(b, '\n');
}
