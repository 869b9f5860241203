def test_smoke(api, data, admin, partner_a, platform):
    c = api(admin)
    for url in ["/api/v1/", "/api/v1/openapi.json", "/api/v1/platforms", "/api/v1/platforms/gtrm-test",
                "/api/v1/organisations", "/api/v1/plan", "/api/v1/locations?level=1", "/api/v1/statistics",
                "/api/v1/activities", "/api/v1/activities?format=csv", "/api/v1/activities?format=xlsx",
                "/api/v1/figures", "/api/v1/figures?format=csv", "/api/v1/submissions", "/api/v1/reports",
                "/api/v1/opendata/gtrm-test", "/api/v1/opendata/gtrm-test/2019-05/datapackage.json",
                "/api/v1/opendata/gtrm-test/2019-05/activities.csv", "/api/v1/opendata/gtrm-test/2019-05/figures.csv",
                "/api/v1/nope", "/api/v1/docs/"]:
        r = c.get(url)
        body = b"".join(r.streaming_content) if r.streaming else r.content
        print(url, r.status_code, body[:300])
    r = api(None).get("/api/v1/figures?platform=gtrm-test")
    print(r.status_code, r.content[:300])
    r = api(None).get("/api/v1/figures?platform=gtrm-test&from=2019-05&to=2019-06")
    print(r.status_code, r.content[:300])
    r = api(None).get("/api/v1/activities")
    print(r.status_code, r.content[:300])
    assert 0
