"""Load scenario: customers editing portraits, managers browsing their book, admins on the dashboard and lists,
and one matching run started. Run it headless and bounded with benchmarks/loadtest.sh (loopback only).

Accounts are those of ``seed_demo`` (synthetic ``syn_c000001``.., ``syn_m0001``.. and ``admin``):

    LOCUST_CUSTOMERS=100000 LOCUST_MANAGERS=1000 locust -f benchmarks/locustfile.py --headless \\
        -H http://127.0.0.1:8001 -u 40 -r 10 -t 60s

Everything goes through the JSON API with JWT (POST /api/auth/login) except the pages, which sign in
through the portal's login form like a browser (session cookie, CSRF token). Any status other than the
expected one counts as a failure: the run's goal is zero errors.
"""
import os
import random
import re

from locust import HttpUser, between, task

PASSWORD = os.environ.get("LOCUST_PASSWORD", "123456")  # seed_demo's public demo password
ADMIN = (os.environ.get("LOCUST_ADMIN", "admin"), os.environ.get("LOCUST_ADMIN_PASSWORD", "admin123"))
N_CUSTOMERS = int(os.environ.get("LOCUST_CUSTOMERS", "1000"))
N_MANAGERS = int(os.environ.get("LOCUST_MANAGERS", "10"))
LOGIN_PAGE = os.environ.get("LOCUST_LOGIN_PAGE", "/accounts/login/")
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class _ApiUser(HttpUser):
    abstract = True
    wait_time = between(0.5, 2)
    username = ""
    password = PASSWORD

    def api_login(self):
        response = self.client.post("/api/auth/login", json={"username": self.username, "password": self.password},
                                    name="POST /api/auth/login")
        response.raise_for_status()
        body = response.json()
        self.client.headers["Authorization"] = f"Bearer {body['access']}"
        return body

    def page_login(self):
        page = self.client.get(LOGIN_PAGE, name="GET login page")
        token = CSRF.search(page.text)
        self.client.post(LOGIN_PAGE, data={"username": self.username, "password": self.password,
                                           "csrfmiddlewaretoken": token.group(1) if token else ""},
                         headers={"Referer": self.host + LOGIN_PAGE}, name="POST login page")


class Customer(_ApiUser):
    """Reads and edits the own portrait through the API (the older React front end's flow)."""

    weight = 6

    def on_start(self):
        self.username = f"syn_c{random.randint(1, N_CUSTOMERS):06d}"
        self.profile_id = self.api_login()["user"]["id"]
        self.vocabulary = self.client.get("/api/vocabulary", name="GET /api/vocabulary").json()

    @task(3)
    def view_portrait(self):
        self.client.get(f"/api/customers/{self.profile_id}/profile", name="GET /api/customers/{id}/profile")

    @task(1)
    def edit_portrait(self):
        services = [term["name"] for term in self.vocabulary.get("services", [])]
        hobbies = [term["name"] for term in self.vocabulary.get("hobbies", [])]
        self.client.patch(
            f"/api/customers/{self.profile_id}/profile",
            json={"age": random.randint(25, 70), "needs": random.sample(services, min(3, len(services))),
                  "hobbies": random.sample(hobbies, min(3, len(hobbies)))},
            name="PATCH /api/customers/{id}/profile",
        )


class Manager(_ApiUser):
    """Browses the own book: the workspace page (session) and the API list, filtered and paged."""

    weight = 3

    def on_start(self):
        self.username = f"syn_m{random.randint(1, N_MANAGERS):04d}"
        self.api_login()
        self.page_login()

    @task(3)
    def workspace(self):
        self.client.get("/workspace/", name="GET /workspace/")

    @task(2)
    def workspace_filtered(self):
        self.client.get(f"/workspace/?customer_class={random.choice('ABCDE')}", name="GET /workspace/?class")

    @task(2)
    def api_own_customers(self):
        self.client.get("/api/customers", name="GET /api/customers (manager)")


class Admin(_ApiUser):
    """Dashboard and lists, in the console and through the API."""

    weight = 1
    username, password = ADMIN

    def on_start(self):
        self.api_login()
        self.page_login()

    @task(2)
    def dashboard(self):
        self.client.get("/console/", name="GET /console/")

    @task(2)
    def customers(self):
        self.client.get("/console/customers/", name="GET /console/customers/")

    @task(1)
    def customers_filtered(self):
        self.client.get(f"/console/customers/?customer_class={random.choice('ABCDE')}",
                        name="GET /console/customers/?class")

    @task(2)
    def api_customers(self):
        self.client.get(f"/api/customers?page={random.randint(1, 50)}", name="GET /api/customers (admin)")

    @task(1)
    def api_dashboard(self):
        self.client.get("/api/admin/dashboard", name="GET /api/admin/dashboard")


class RunStarter(_ApiUser):
    """Starts exactly one matching run on the task queue, then polls it."""

    fixed_count = 1
    username, password = ADMIN
    run_url = None

    def on_start(self):
        self.api_login()
        response = self.client.post("/api/admin/auto-assign",
                                    json={"strategy": "optimal", "rebalance": False, "dry_run": False},
                                    name="POST /api/admin/auto-assign")
        if response.status_code == 202:
            body = response.json()
            self.run_url = body.get("url") or f"/api/admin/runs/{body.get('id')}"

    @task
    def poll(self):
        if self.run_url:
            self.client.get(self.run_url, name="GET /api/admin/runs/{id}")
