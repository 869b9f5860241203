import re, pytest
from django.test import Client
from django.contrib.auth.models import User
from kipu.web.site.services import load_demo
from kipu.web.accounts.services import assign_role
from kipu.web.submissions.months import lock_month, publish_month

def test_dump(client: Client, db, tmp_path, monkeypatch):
    monkeypatch.setenv("KIPU_DATA_DIR", str(tmp_path))
    p = load_demo()
    for m in ("2019-10", "2019-11"):
        lock_month(p, m, "t"); publish_month(p, m, "t")
    admin = User.objects.create_user("im.admin", password="x" * 12)
    assign_role(admin, p, "admin")
    client.post("/i18n/setlang/", {"language": "es", "next": "/"})
    out = []
    for url in ["/", "/dashboard/gtrm-peru/panel/?from=2019-10&to=2019-11", "/accounts/login/", "/reports/"]:
        out.append((url, client.get(url).content.decode()))
    client.force_login(admin)
    for url in ["/console/?platform=gtrm-peru", "/portal/?platform=gtrm-peru", "/reference/?platform=gtrm-peru", "/api/tokens/", "/accounts/", "/console/issues/?platform=gtrm-peru", "/console/completeness/?platform=gtrm-peru", "/reference/plan/?platform=gtrm-peru", "/reference/organisations/?platform=gtrm-peru", "/console/audit/?platform=gtrm-peru", "/api/v1/docs/", "/accounts/people/?platform=gtrm-peru"]:
        r = client.get(url, follow=True)
        out.append((url + f" [{r.status_code}]", r.content.decode()))
    with open("/tmp/i18n/dump.txt", "w") as fh:
        for url, html in out:
            text = re.sub(r"<script.*?</script>|<style.*?</style>", "", html, flags=re.S)
            text = re.sub(r"<[^>]+>", " ", text)
            text = re.sub(r"[ \t]+", " ", text)
            text = re.sub(r"\n\s*\n+", "\n", text)
            fh.write(f"===== {url}\n{text[:6000]}\n")
