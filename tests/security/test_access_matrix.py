"""Access-control matrix: every route of app.url_map × every role, GET and POST, against one table.

Each entry of ``MATRIX`` gives the expected outcome per role as an 8-letter string, one letter per role in
this order:

    anon  owner(rep1)  rep2  manager  legal  finance  admin  dept (logistics member, no sales role)

Letters: ``O`` allowed (200/204/302/303/409/422 — a form re-rendered with errors or a workflow refusal counts),
``L`` redirected to the login page, ``3`` 403, ``4`` 404, ``B`` 400, ``-`` the route has no such method. A 500 always
fails. The record URLs use records owned by rep1 from the demo data (``world.ids``), so ``owner`` vs
``rep2`` shows whether a colleague can reach rep1's records. POSTs send only the CSRF token (empty forms);
the database is restored after every write so each role meets the same state.

A route without an entry fails ``test_every_route_has_an_entry``. To draft entries for new routes run
``MATRIX_RECORD=/tmp/matrix.json pytest tests/security/test_access_matrix.py`` and review what it observed.
"""
import json
import os
from urllib.parse import urlsplit

import pytest

ROLE_ORDER = ("anon", "owner", "rep2", "manager", "legal", "finance", "admin", "dept")
ALLOWED = {200, 201, 204, 302, 303, 409, 422}

# Route argument → key of world.ids (or a literal), per blueprint where the name means different things.
ARGS = {
    "customer_id": "customer", "other_id": "other_customer", "contact_id": "contact", "complaint_id": "complaint",
    "case_id": "case", "interaction_id": "interaction", "survey_id": "survey", "contract_id": "contract",
    "quotation_id": "quotation", "plan_id": "plan", "task_id": "task", "meeting_id": "meeting",
    "item_id": "action_item", "request_id": "request", "competitor_id": "competitor", "price_id": "price",
    "need_id": "need", "file_id": "file", "notification_id": "notification", "department_id": "department",
    "rate_id": "rate", "product_id": "product", "receipt_id": "receipt", "feedback_id": "feedback",
    "user_id": "rep_user",
}
BLUEPRINT_ARGS = {
    "customers": {"import_id": "customer_import"},
    "reports": {"import_id": "sales_import", "report_id": "monthly_report"},
    "research": {"report_id": "research_report"},
    "admin": {"user_id": "user"},
}
LITERALS = {"token": "no-such-survey-link", "version_no": 1, "revision_no": 1, "day": "2026-10-01", "name": "contract.docx", "code": "USD",
            "period": "2026-09", "table": "monthly", "filename": "app.css"}
ENDPOINT_ARGS = {
    "pricing.feedback_form": {"quotation_id": "feedback_quotation"},
    "contracts.create_from_quotation": {"quotation_id": "accepted_quotation"},
    "reports.scorecard_records": {"code": "1a"},
    "reports.team_records": {"code": "1a"},
    # workflow steps are checked on a contract in the state where the step applies
    "contracts.edit": {"contract_id": "contract_returned"},
    "contracts.submit_for_review": {"contract_id": "contract_returned"},
    "contracts.cancel": {"contract_id": "contract_returned"},
    "contracts.review": {"contract_id": "contract_in_review"},
}
# Query strings some pages need (the record they start from, the grid cell they show).
QUERY = {
    "research.edit_need /research/needs/new": lambda ids: f"?customer_id={ids['customer']}",
    "plans.target_row": lambda ids: f"?user_id={ids['rep_user']}&year=2026&measure=amount",
    "plans.target_cell": lambda ids: f"?user_id={ids['rep_user']}&year=2026&measure=amount&slot=m1",
}


def rule_key(app, rule) -> str:
    """The endpoint, or "endpoint path" when several rules share an endpoint."""
    shared = sum(1 for r in app.url_map.iter_rules() if r.endpoint == rule.endpoint) > 1
    return f"{rule.endpoint} {rule.rule}" if shared else rule.endpoint


def build_url(rule, ids: dict) -> str:
    blueprint = rule.endpoint.split(".")[0]
    values = {}
    for arg in rule.arguments - set(rule.defaults or ()):
        key = ENDPOINT_ARGS.get(rule.endpoint, {}).get(arg) or BLUEPRINT_ARGS.get(blueprint, {}).get(arg) \
            or ARGS.get(arg)
        if key in ids:
            values[arg] = ids[key]
        elif arg in ENDPOINT_ARGS.get(rule.endpoint, {}):
            values[arg] = ENDPOINT_ARGS[rule.endpoint][arg]
        elif arg in LITERALS:
            values[arg] = LITERALS[arg]
        else:
            raise AssertionError(f"no value for <{arg}> of {rule.endpoint}: add it to ARGS/LITERALS")
    return rule.build(values)[1]


def outcome(response) -> str:
    status = response.status_code
    if status in (301, 302, 303) and urlsplit(response.location).path == "/auth/login":
        return "L"
    if status == 401 and "/auth/login" in response.headers.get("HX-Redirect", ""):
        return "L"
    if status == 403:
        return "3"
    if status == 404:
        return "4"
    if status in ALLOWED:
        return "O"
    return {400: "B", 405: "5", 429: "T"}.get(status, "?")


MATRIX: dict[str, tuple[str, str]] = {
    #                                     GET        POST      (anon owner rep2 manager legal finance admin dept)
    # admin
    "admin.calendar":                              ("L33333O3", "L33333O3"),
    "admin.check_day":                             ("L33333O3", "--------"),
    "admin.create_user":                           ("L33333O3", "L33333O3"),
    "admin.delete_calendar_day":                   ("--------", "L3333343"),
    "admin.departments":                           ("L33333O3", "--------"),
    "admin.download_template":                     ("L33333O3", "--------"),
    "admin.edit_department /admin/departments/<int:department_id>": ("L33333O3", "L33333O3"),
    "admin.edit_department /admin/departments/new": ("L33333O3", "L33333O3"),
    "admin.edit_user":                             ("L33333O3", "L33333O3"),
    "admin.index":                                 ("L33333O3", "--------"),
    "admin.restore_template":                      ("--------", "L33333O3"),
    "admin.settings":                              ("L33333O3", "L33333O3"),
    "admin.templates":                             ("L33333O3", "L3333343"),
    "admin.users":                                 ("L33333O3", "--------"),
    # auth
    "auth.change_password":                        ("LOOOOOOO", "LOOOOOOO"),
    "auth.login":                                  ("OOOOOOOO", "OOOOOOOO"),
    "auth.logout":                                 ("--------", "LLLLLLLL"),
    # care
    "care.add_complaint_attachment":               ("--------", "LO4O4444"),
    "care.add_interaction":                        ("LO4O3333", "LO4O3333"),
    "care.assign_complaint":                       ("--------", "LO4O4444"),
    "care.case":                                   ("LO4O4444", "--------"),
    "care.cases":                                  ("LOOOOOOO", "--------"),
    "care.close_complaint":                        ("--------", "LO4O4444"),
    "care.complaint":                              ("LO4O4444", "--------"),
    "care.complaints":                             ("LOOOOOOO", "--------"),
    "care.complete_follow_up":                     ("--------", "L4443333"),
    "care.customer":                               ("LO4O3333", "--------"),
    "care.customer_complaints":                    ("LO4O3333", "--------"),
    "care.customer_surveys":                       ("LO4O3333", "--------"),
    "care.customer_timeline":                      ("LO4O3333", "--------"),
    "care.customers":                              ("LOOO3333", "--------"),
    "care.edit_case":                              ("LO4O4444", "LO4O4444"),
    "care.follow_up_report":                       ("LOOO3333", "--------"),
    "care.follow_ups":                             ("LOOO3333", "--------"),
    "care.index":                                  ("LOOOOOOO", "--------"),
    "care.interactions":                           ("LOOO3333", "--------"),
    "care.new_case":                               ("LOOOOOOO", "LOOOOOOO"),
    "care.new_complaint":                          ("LO4O3333", "LO4O3333"),
    "care.new_survey":                             ("--------", "LO4O3333"),
    "care.panel_complaints":                       ("LOOOOOOO", "--------"),
    "care.panel_follow_ups":                       ("LOOO3333", "--------"),
    "care.public_survey":                          ("44444444", "44444444"),
    "care.reopen_complaint":                       ("--------", "LO4O4444"),
    "care.resolve_complaint":                      ("--------", "LO4O4444"),
    "care.start_complaint":                        ("--------", "LO4O4444"),
    "care.survey":                                 ("LO4O3333", "--------"),
    "care.survey_results":                         ("LOOO3333", "--------"),
    "care.surveys":                                ("LOOO3333", "--------"),
    # contracts
    "contracts.amend":                             ("LO4O3344", "LO4O3344"),
    "contracts.cancel":                            ("--------", "LO4O3344"),
    "contracts.change_log":                        ("LO4OOO44", "--------"),
    "contracts.close":                             ("--------", "LO4O3344"),
    "contracts.compliance_report":                 ("LO4OOO44", "--------"),
    "contracts.compliance_report_docx":            ("LO4OOO44", "--------"),
    "contracts.create_from_quotation":             ("LO4O3333", "LO4O3333"),
    "contracts.decide_payment_terms":              ("--------", "L3433O44"),
    "contracts.detail":                            ("LO4OOO44", "--------"),
    "contracts.document /contracts/<int:contract_id>/contract.docx": ("LO4OOO44", "--------"),
    "contracts.document /contracts/<int:contract_id>/document.docx": ("LO4OOO44", "--------"),
    "contracts.edit":                              ("LO4O3344", "LO4O3344"),
    "contracts.index":                             ("LOOOOOOO", "--------"),
    "contracts.new":                               ("LOOO3333", "LOOO3333"),
    "contracts.panel_mine":                        ("LOOOOOOO", "--------"),
    "contracts.panel_overdue_receivables":         ("LOOO3O33", "--------"),
    "contracts.panel_payment_terms":               ("L3333O33", "--------"),
    "contracts.panel_reviews":                     ("L333O333", "--------"),
    "contracts.payment_terms_queue":               ("L3333O33", "--------"),
    "contracts.payments_view":                     ("LO4O4O44", "--------"),
    "contracts.receivables":                       ("LOOO3O33", "--------"),
    "contracts.receivables_export":                ("LOOO3O33", "--------"),
    "contracts.record_receipt":                    ("--------", "L3434O44"),
    "contracts.reverse_receipt":                   ("--------", "L3434O44"),
    "contracts.review":                            ("L343O344", "L343O344"),
    "contracts.send":                              ("--------", "L3433344"),
    "contracts.sign":                              ("L3433344", "L3433344"),
    "contracts.submit_for_review":                 ("--------", "LO4O3344"),
    "contracts.version_detail":                    ("LO4OOO44", "--------"),
    "contracts.version_document /contracts/<int:contract_id>/versions/<int:version_no>/contract.docx": ("LO4OOO44", "--------"),
    "contracts.version_document /contracts/<int:contract_id>/versions/<int:version_no>/document.docx": ("LO4OOO44", "--------"),
    "contracts.withdraw_amendment":                ("--------", "L3433344"),
    # coordination
    "coordination.accept":                         ("--------", "L34O4OO4"),
    "coordination.action_items":                   ("LOOOOOOO", "--------"),
    "coordination.add_action_item":                ("--------", "L33O44O3"),
    "coordination.cancel_action_item":             ("--------", "L33O44O3"),
    "coordination.complete_action_item":           ("--------", "LO3O44O3"),
    "coordination.create_meeting":                 ("LOOOOOOO", "LOOOOOOO"),
    "coordination.create_next_meeting":            ("--------", "L33O44O3"),
    "coordination.create_request":                 ("LOOOOOOO", "LOOOOOOO"),
    "coordination.departments":                    ("LOOOOOOO", "--------"),
    "coordination.edit_action_item":               ("L33O44O3", "L33O44O3"),
    "coordination.edit_meeting":                   ("L33O44O3", "L33O44O3"),
    "coordination.edit_request":                   ("LO4O43O4", "LO4O43O4"),
    "coordination.fulfil":                         ("--------", "L34O4OO4"),
    "coordination.index":                          ("LOOOOOOO", "--------"),
    "coordination.meeting_detail":                 ("LOOO44OO", "--------"),
    "coordination.meeting_docx":                   ("LOOO44OO", "--------"),
    "coordination.meetings":                       ("LOOOOOOO", "--------"),
    "coordination.panel_action_items":             ("LOOOOOOO", "--------"),
    "coordination.panel_queue":                    ("LOOOOOOO", "--------"),
    "coordination.panel_requests":                 ("LOOOOOOO", "--------"),
    "coordination.print_meeting":                  ("LOOO44OO", "--------"),
    "coordination.queue":                          ("LOOOOOOO", "--------"),
    "coordination.reject":                         ("--------", "L34O4OO4"),
    "coordination.reopen_action_item":             ("--------", "LO3O44O3"),
    "coordination.request_detail":                 ("LO4O4OO4", "--------"),
    "coordination.requests_list":                  ("LOOOOOOO", "--------"),
    "coordination.requests_xlsx":                  ("LOOOOOOO", "--------"),
    "coordination.summary":                        ("LOOOOOOO", "--------"),
    "coordination.summary_department":             ("LOOO44O4", "--------"),
    "coordination.summary_xlsx":                   ("LOOOOOOO", "--------"),
    # core
    "core.download_file":                          ("LO4OOOO4", "--------"),
    "core.health":                                 ("OOOOOOOO", "--------"),
    "core.set_locale":                             ("--------", "OOOOOOOO"),
    # customers
    "customers.assign":                            ("--------", "L33O3333"),
    "customers.change_stage":                      ("--------", "LO4O3333"),
    "customers.claim":                             ("--------", "LO4O3333"),
    "customers.create":                            ("LOOO3333", "LOOO3333"),
    "customers.delete_contact":                    ("--------", "LO4O3333"),
    "customers.detail":                            ("LO4OOO33", "--------"),
    "customers.edit":                              ("LO4O3333", "LO4O3333"),
    "customers.edit_contact /customers/<int:customer_id>/contacts/<int:contact_id>": ("LO4O3333", "LO4O3333"),
    "customers.edit_contact /customers/<int:customer_id>/contacts/new": ("LO4O3333", "LO4O3333"),
    "customers.export":                            ("LOOOOO33", "--------"),
    "customers.import_mapping":                    ("LO4O3333", "LO4O3333"),
    "customers.import_preview":                    ("LO4O3333", "--------"),
    "customers.import_rejected":                   ("L4444433", "--------"),
    "customers.import_result":                     ("LO4O4433", "--------"),
    "customers.import_run":                        ("--------", "LO4O3333"),
    "customers.import_upload":                     ("LOOO3333", "LOOO3333"),
    "customers.index":                             ("LOOOOO33", "--------"),
    "customers.keep_both":                         ("--------", "L4443333"),
    "customers.merge":                             ("--------", "L4443333"),
    "customers.panel_new_valid":                   ("LOOOOO33", "--------"),
    "customers.panel_pool_due":                    ("LOOOOO33", "--------"),
    "customers.release":                           ("--------", "LO4O3333"),
    # home
    "home.index":                                  ("LOOOOOOO", "--------"),
    "home.notifications":                          ("LOOOOOOO", "--------"),
    "home.read_all_notifications":                 ("--------", "LOOOOOOO"),
    "home.read_notification":                      ("--------", "LO444444"),
    "home.search":                                 ("LOOOOOOO", "--------"),
    # plans
    "plans.add_task":                              ("--------", "LO434444"),
    "plans.adjust_plan":                           ("LO4O4444", "LO4O4444"),
    "plans.approve_plan":                          ("--------", "L33O3333"),
    "plans.complete_task":                         ("--------", "LO4O4444"),
    "plans.delete_plan":                           ("--------", "LO434444"),
    "plans.delete_task":                           ("--------", "LO434444"),
    "plans.edit_plan":                             ("LO434444", "LO434444"),
    "plans.index":                                 ("LOOOOOOO", "--------"),
    "plans.new_plan":                              ("LOOOOOOO", "LOOOOOOO"),
    "plans.panel_awaiting_approval":               ("L33O3333", "--------"),
    "plans.panel_off_pace":                        ("L33O3333", "--------"),
    "plans.panel_tasks_due":                       ("LOOOOOOO", "--------"),
    "plans.plan":                                  ("LO4O4444", "--------"),
    "plans.plan_document":                         ("LO4O4444", "--------"),
    "plans.progress":                              ("LOOOOOOO", "--------"),
    "plans.reopen_task":                           ("--------", "LO4O4444"),
    "plans.rep_progress":                          ("LO4O4444", "--------"),
    "plans.return_plan":                           ("--------", "L33O3333"),
    "plans.submit_plan":                           ("--------", "LO434444"),
    "plans.target_cell":                           ("L33O3333", "L3343333"),
    "plans.target_history":                        ("L33O3333", "--------"),
    "plans.target_row":                            ("L33O3333", "--------"),
    "plans.targets":                               ("LOOOOOOO", "--------"),
    # pricing
    "pricing.accept_quotation":                    ("--------", "LO4O4344"),
    "pricing.add_feedback":                        ("--------", "LO4O4344"),
    "pricing.add_rate":                            ("--------", "L3333O33"),
    "pricing.add_round":                           ("--------", "LO4O4344"),
    "pricing.analysis":                            ("LOOO3O33", "--------"),
    "pricing.approve_quotation":                   ("--------", "L33O3333"),
    "pricing.close_negotiation":                   ("--------", "LO4O4344"),
    "pricing.contact_options":                     ("LOOOOOOO", "--------"),
    "pricing.create_product":                      ("L33O3OO3", "L33O3OO3"),
    "pricing.create_quotation":                    ("LOOO3333", "LOOO3333"),
    "pricing.decline_quotation":                   ("--------", "L33O3333"),
    "pricing.delete_rate":                         ("--------", "L3333O33"),
    "pricing.edit_product":                        ("L33O3OO3", "L33O3OO3"),
    "pricing.edit_quotation":                      ("LO4O4344", "LO4O4344"),
    "pricing.export_products_xlsx":                ("LOOOOOOO", "--------"),
    "pricing.feedback_form":                       ("LO4O4O44", "--------"),
    "pricing.import_products_view":                ("L33O3OO3", "L33O3OO3"),
    "pricing.index":                               ("LOOO3O33", "--------"),
    "pricing.negotiation":                         ("LO4O4O44", "--------"),
    "pricing.negotiations":                        ("LOOO3O33", "--------"),
    "pricing.panel_approvals":                     ("LOOOOOOO", "--------"),
    "pricing.panel_expiring":                      ("LOOOOOOO", "--------"),
    "pricing.panel_stale_rates":                   ("LOOOOOOO", "--------"),
    "pricing.pricing_helper":                      ("LOOO3O33", "--------"),
    "pricing.products":                            ("LOOOOOOO", "--------"),
    "pricing.proforma_document":                   ("LO4O4O44", "--------"),
    "pricing.quotation_document":                  ("LO4O4O44", "--------"),
    "pricing.rate_history":                        ("LOOOOOOO", "--------"),
    "pricing.rates":                               ("LOOOOOOO", "--------"),
    "pricing.reject_quotation":                    ("--------", "LO4O4344"),
    "pricing.revise_quotation":                    ("--------", "LO4O4344"),
    "pricing.revision_document":                   ("LO4O4O44", "--------"),
    "pricing.revision_proforma":                   ("LO4O4O44", "--------"),
    "pricing.send_quotation":                      ("--------", "LO4O4344"),
    "pricing.show_product":                        ("LOOOOOOO", "--------"),
    "pricing.show_quotation":                      ("LO4O4O44", "--------"),
    "pricing.show_revision":                       ("LO4O4O44", "--------"),
    # reports
    "reports.analysis_page":                       ("LOOO3333", "--------"),
    "reports.analysis_section":                    ("L4443333", "--------"),
    "reports.export_table":                        ("LOOO3333", "--------"),
    "reports.import_mapping":                      ("LO443333", "LO443333"),
    "reports.import_rejected":                     ("LO443333", "--------"),
    "reports.import_result":                       ("LO443333", "--------"),
    "reports.import_sales":                        ("LOOO3333", "LOOO3333"),
    "reports.index":                               ("LOOO3333", "--------"),
    "reports.monthly_reports":                     ("LOOO3333", "--------"),
    "reports.panel_my_month":                      ("LOO33333", "--------"),
    "reports.panel_team":                          ("L33O3333", "--------"),
    "reports.report_docx":                         ("LO4O3333", "--------"),
    "reports.review_report":                       ("--------", "L33O3333"),
    "reports.run_sales_import":                    ("--------", "LO443333"),
    "reports.sales":                               ("LOOO3333", "--------"),
    "reports.save_negotiation_target":             ("--------", "L33O3333"),
    "reports.save_report":                         ("--------", "LO433333"),
    "reports.save_scorecard_comment":              ("--------", "L33O3333"),
    "reports.scorecard":                           ("LO4O3333", "--------"),
    "reports.scorecard_home":                      ("LOOO3333", "--------"),
    "reports.scorecard_records":                   ("LO4O3333", "--------"),
    "reports.show_report":                         ("LO4O3333", "--------"),
    "reports.start_report":                        ("--------", "LOO33333"),
    "reports.team_records":                        ("L33O3333", "--------"),
    "reports.team_scorecard":                      ("L33O3333", "--------"),
    "reports.team_scorecard_print":                ("L33O3333", "--------"),
    # research
    "research.attach":                             ("--------", "LO434444"),
    "research.competitor":                         ("LOOO3333", "LOOO3333"),
    "research.competitors":                        ("LOOO3333", "--------"),
    "research.create_report":                      ("LOOO3333", "LOOO3333"),
    "research.delete_need":                        ("--------", "LO4O3344"),
    "research.delete_price":                       ("--------", "LO3O3333"),
    "research.edit_competitor /research/competitors/<int:competitor_id>/edit": ("LOOO3333", "LOOO3333"),
    "research.edit_competitor /research/competitors/new": ("LOOO3333", "LOOO3333"),
    "research.edit_need /research/needs/<int:need_id>/edit": ("LO4O3344", "LO4O3344"),
    "research.edit_need /research/needs/new":      ("LO4O3344", "LO4O3344"),
    "research.edit_report":                        ("LO434444", "LO434444"),
    "research.export_needs":                       ("LOOO3333", "--------"),
    "research.index":                              ("LOOO3333", "--------"),
    "research.needs":                              ("LOOO3333", "--------"),
    "research.panel_reviews":                      ("LOOOOOOO", "--------"),
    "research.prices":                             ("LOOO3333", "--------"),
    "research.report":                             ("LO4O4444", "--------"),
    "research.report_document":                    ("LO4O4444", "--------"),
    "research.return_report":                      ("--------", "L34O4444"),
    "research.review_report":                      ("--------", "L34O4444"),
    "research.send_need":                          ("--------", "LO4O3344"),
    "research.share_report":                       ("--------", "LO4O4444"),
    "research.submit_report":                      ("--------", "LO434444"),
    # static
    "static":                                      ("OOOOOOOO", "--------"),
}

_RECORD = os.environ.get("MATRIX_RECORD")
_observed: dict[str, list[str]] = {}


def _rules(app):
    return sorted(app.url_map.iter_rules(), key=lambda r: (r.endpoint, r.rule))


def _all_keys():
    from app import create_app
    from tests.conftest import Config

    app = create_app(Config)
    return [rule_key(app, r) for r in _rules(app)]


def test_every_route_has_an_entry(app):
    keys = {rule_key(app, r) for r in app.url_map.iter_rules()}
    missing = sorted(keys - MATRIX.keys())
    stale = sorted(MATRIX.keys() - keys)
    assert not missing, f"routes without an access-matrix entry: {missing}"
    assert not stale, f"matrix entries for routes that no longer exist: {stale}"


def _check(world, key, rule, method: str) -> list[str]:
    url = build_url(rule, world.ids) + (QUERY[key](world.ids) if key in QUERY else "")
    got = []
    for role in ROLE_ORDER:
        client = world.client(role)
        if method == "GET":
            response = client.get(url)
        else:
            response = client.post(url)
        got.append(outcome(response))
        response.close()
        assert response.status_code != 500, (rule.endpoint, method, role, url)
        if method == "POST":
            if world.reset_if_changed() or rule.endpoint == "auth.logout":
                world.forget(role)
    return got


def _params():
    return _all_keys()


@pytest.mark.parametrize("key", _params())
def test_route_matrix(app, world, key):
    rule = next(r for r in app.url_map.iter_rules() if rule_key(app, r) == key)
    methods = rule.methods - {"HEAD", "OPTIONS"}
    expected = MATRIX.get(key)
    results = {}
    for method in ("GET", "POST"):
        if method not in methods:
            results[method] = "-" * len(ROLE_ORDER)
            continue
        got = "".join(_check(world, key, rule, method))
        results[method] = got
    if _RECORD:
        _observed[key] = [results["GET"], results["POST"]]
        with open(_RECORD, "w") as fh:
            json.dump(_observed, fh, indent=1, sort_keys=True)
        return
    assert expected is not None, f"{key} has no entry in MATRIX"
    for i, method in enumerate(("GET", "POST")):
        want, got = expected[i], results[method]
        diffs = [f"{role}: expected {w} got {g}" for role, w, g in zip(ROLE_ORDER, want, got, strict=False) if w != g]
        assert want == got, f"{method} {build_url(rule, world.ids)} ({key}): " + "; ".join(diffs)
