/*
 * widget_domain.c: what `bsim widget domain` prints for each URL
 * (widget_domain.h): the Domain the widget writes and each engine's verdict,
 * as a line a shell pipeline can cut (the Domain is field 2), or as JSON
 * with the cookie string, where each engine keeps the cookie, and the
 * rule behind each refusal.
 */
#include "report/widget_domain.h"
#include "util/jsonw.h"

void report_widget_domain_text(buf *out, const domain_probe *p)
{
	buf_printf(out, "%s %s", p->url, p->written_domain ? p->written_domain : "host-only");
	for (int e = 0; e < BSIM_ENGINE_COUNT; e++) {
		const domain_verdict *v = &p->v[e];
		if (v->stored)
			buf_printf(out, " %s=stored", bsim_engine_name((bsim_engine)e));
		else
			buf_printf(out, " %s=refused:%s", bsim_engine_name((bsim_engine)e),
				   v->reason == BSIM_REASON_NONE ? "ignored" : bsim_cookie_reason_code(v->reason));
	}
	for (int e = 0; e < BSIM_ENGINE_COUNT; e++)
		if (!p->v[e].stored)
			buf_printf(out, " | %s: %s", bsim_engine_name((bsim_engine)e), p->v[e].message);
	buf_putc(out, '\n');
}

void report_widget_domain_json(buf *out, const domain_probe *p, const widget_version *ver, bool cookie_options)
{
	buf_putc(out, '{');
	jsonw_member_str(out, "url", p->url, true);
	jsonw_member_str(out, "href", p->href, false);
	jsonw_member_str(out, "version", ver->name, false);
	jsonw_member_str(out, "domain", p->written_domain, false);
	jsonw_member_bool(out, "host_only", p->written_domain == NULL, false);
	/* What the widget derived before main.cookieOptions replaced it. */
	if (cookie_options)
		jsonw_member_str(out, "derived_domain", p->domain, false);
	jsonw_member_str(out, "cookie", p->cookie, false);
	jsonw_key(out, "engines", false);
	buf_putc(out, '{');
	for (int e = 0; e < BSIM_ENGINE_COUNT; e++) {
		const domain_verdict *v = &p->v[e];
		jsonw_key(out, bsim_engine_name((bsim_engine)e), e == 0);
		buf_putc(out, '{');
		jsonw_member_bool(out, "stored", v->stored, true);
		if (v->stored) {
			/* Where the browser keeps it: which hosts will see it. */
			jsonw_member_str(out, "stored_domain", v->stored_domain, false);
			jsonw_member_bool(out, "stored_host_only", v->host_only, false);
		} else {
			bool known = v->reason != BSIM_REASON_NONE;
			jsonw_member_str(out, "reason", known ? bsim_cookie_reason_code(v->reason) : "ignored", false);
			jsonw_member_str(out, "rule", known ? bsim_cookie_reason_rule(v->reason) : NULL, false);
			jsonw_member_str(out, "message", v->message, false);
		}
		buf_putc(out, '}');
	}
	buf_puts(out, "}}\n");
}
