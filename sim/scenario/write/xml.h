/*
 * xml.h (internal): writing scenario XML (scenarios/bsim.rng) as text, for
 * the readers that turn another format into a scenario file (`bsim
 * import-har`). Elements are written one per line, steps indented under
 * <scenario> and their children under them, so a written scenario reads
 * like a hand-written one. Values are escaped through util/xmlesc.h; what
 * XML cannot hold becomes "?", so a written file always loads.
 */
#ifndef BSIM_SCENARIO_WRITE_XML_H
#define BSIM_SCENARIO_WRITE_XML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"

/* s[0..len) as element text (attribute false) or a double-quoted attribute value. */
void scenario_xml_escaped(buf *b, const char *s, size_t len, bool attribute);

/* The XML declaration and the file's header comment holding text (several lines may follow each other). */
void scenario_xml_prolog(buf *b, const char *text);

/* "  <!-- TEXT -->" on a line of its own, TEXT formatted (at most about 1 KiB of it is kept). */
void scenario_xml_comment(buf *b, const char *fmt, ...) BSIM_PRINTF(2, 3);

/* A duration as the scenario language reads it exactly and shortest: "2s", "1500ms". */
void scenario_xml_duration(buf *b, int64_t ms);

/* "<ELEMENT" indented for depth (0: <scenario>, 1: a step, 2: a step's child); attributes may follow. */
void scenario_xml_open(buf *b, int depth, const char *element);

/* ` NAME="VALUE"`, the value escaped; scenario_xml_attr_n takes value[0..len). */
void scenario_xml_attr(buf *b, const char *name, const char *value);
void scenario_xml_attr_n(buf *b, const char *name, const char *value, size_t len);

/* Ends the start tag opened last: "/>\n" for an empty element, ">\n" when children follow. */
void scenario_xml_end(buf *b, bool children);

/* "</ELEMENT>\n" indented for depth. */
void scenario_xml_close(buf *b, int depth, const char *element);

/* <ELEMENT>TEXT</ELEMENT> on a line of its own, the text escaped (<set-cookie>, <hosts>). */
void scenario_xml_text_element(buf *b, int depth, const char *element, const char *text);

/* A <wait for="DURATION"/> step; a non-NULL note follows it as a comment on the same line. */
void scenario_xml_wait(buf *b, int64_t ms, const char *note);

#endif
