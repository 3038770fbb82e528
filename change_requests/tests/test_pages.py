import pytest
from django.urls import reverse

from audit.models import AuditEvent
from change_requests.models import ChangeRequest, RequestStatus
from change_requests.services import change_request_decline

from .factories import ChangeRequestFactory

pytestmark = pytest.mark.django_db


class TestCustomerPage:
    def test_me_offers_the_form_to_a_customer_with_a_manager(self, bank, signed_in):
        page = signed_in(bank.asker.user).get(reverse("portal:me")).content.decode()

        assert 'data-testid="change-request-form"' in page
        assert reverse("portal:change_request") in page

    def test_a_customer_asks_from_me(self, bank, signed_in):
        client = signed_in(bank.asker.user)

        response = client.post(reverse("portal:change_request"), {"reason": "communication", "text": "回复太慢"})

        assert response.status_code == 302 and response["Location"] == reverse("portal:me")
        request = ChangeRequest.objects.get()
        assert (request.customer, request.reason, request.text) == (bank.asker, "communication", "回复太慢")
        page = client.get(reverse("portal:me")).content.decode()
        assert 'data-status="open"' in page
        assert 'data-testid="change-request-form"' not in page  # one open request at a time

    def test_a_second_request_is_refused_on_the_page(self, bank, signed_in):
        ChangeRequestFactory(customer=bank.asker)

        response = signed_in(bank.asker.user).post(reverse("portal:change_request"), {"reason": "other"})

        assert response.status_code == 200
        assert ChangeRequest.objects.count() == 1
        assert response.context["form"].non_field_errors()

    def test_bad_text_is_shown_beside_the_field(self, bank, signed_in):
        response = signed_in(bank.asker.user).post(
            reverse("portal:change_request"), {"reason": "other", "text": "x\u202ey"}
        )

        assert response.context["form"].errors["text"]
        assert not ChangeRequest.objects.exists()

    def test_me_shows_the_last_decision_and_its_reply(self, bank, signed_in):
        change_request_decline(change_request=ChangeRequestFactory(customer=bank.asker), reply="经理下周回来",
                               actor=bank.decider)

        page = signed_in(bank.asker.user).get(reverse("portal:me")).content.decode()

        assert 'data-status="declined"' in page and "经理下周回来" in page
        assert 'data-testid="change-request-form"' in page  # they may ask again

    def test_the_page_is_in_chinese_by_default(self, bank, signed_in):
        page = signed_in(bank.asker.user).get(reverse("portal:me"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()

        assert "更换客户经理" in page

    @pytest.mark.parametrize("who", ["current", "decider"])
    def test_only_customers_ask(self, bank, signed_in, who):
        user = bank.current.user if who == "current" else bank.decider

        assert signed_in(user).post(reverse("portal:change_request"), {"reason": "other"}).status_code == 403
        assert not ChangeRequest.objects.exists()


class TestWorkspaceNotice:
    def test_the_manager_sees_the_open_request_and_its_reason_not_the_text(self, bank, signed_in):
        ChangeRequestFactory(customer=bank.asker, reason="availability", text="秘密的抱怨")

        page = signed_in(bank.current.user).get(
            reverse("portal:workspace_customer", args=[bank.asker.pk])
        ).content.decode()

        assert 'data-testid="change-request-notice" data-reason="availability"' in page
        assert "秘密的抱怨" not in page

    def test_no_notice_once_decided(self, bank, signed_in):
        change_request_decline(change_request=ChangeRequestFactory(customer=bank.asker), reply="不", actor=bank.decider)

        page = signed_in(bank.current.user).get(
            reverse("portal:workspace_customer", args=[bank.asker.pk])
        ).content.decode()

        assert "change-request-notice" not in page


class TestConsole:
    def test_the_dashboard_counts_open_requests_and_links_to_the_queue(self, bank, signed_in):
        ChangeRequestFactory(customer=bank.asker)
        ChangeRequestFactory(customer=bank.other)
        change_request_decline(change_request=ChangeRequestFactory(customer=bank.other.__class__.objects.exclude(
            pk__in=[bank.asker.pk, bank.other.pk]).first()), reply="不", actor=bank.decider)

        response = signed_in(bank.decider).get(reverse("console:dashboard"))

        assert response.context["open_change_requests"] == 2
        assert f'href="{reverse("console:change_requests")}?status=open"' in response.content.decode()

    def test_the_queue_is_newest_first_and_filters(self, bank, signed_in):
        older = ChangeRequestFactory(customer=bank.asker, reason="expertise")
        newer = ChangeRequestFactory(customer=bank.other, reason="moved")
        client = signed_in(bank.decider)

        everything = client.get(reverse("console:change_requests")).context["page"].object_list
        moved = client.get(reverse("console:change_requests"), {"reason": "moved"}).context["page"].object_list
        by_manager = client.get(
            reverse("console:change_requests"), {"manager": bank.current.user_id}
        ).context["page"].object_list

        assert [r.pk for r in everything] == [newer.pk, older.pk]
        assert [r.pk for r in moved] == [newer.pk]
        assert [r.pk for r in by_manager] == [older.pk]

    def test_the_decision_page_offers_the_candidates_with_room(self, bank, signed_in):
        request = ChangeRequestFactory(customer=bank.asker)

        response = signed_in(bank.decider).get(reverse("console:change_request", args=[request.pk]))

        offered = [value for value, _label in response.context["approve"].fields["manager"].choices]
        assert offered == [bank.best.pk, bank.second.pk, bank.third.pk]

    def test_an_admin_approves_on_the_page(self, bank, signed_in):
        request = ChangeRequestFactory(customer=bank.asker)
        url = reverse("console:change_request", args=[request.pk])

        response = signed_in(bank.decider).post(url, {"decision": "approve", "manager": bank.second.pk, "reply": ""})

        assert response.status_code == 302
        request.refresh_from_db()
        bank.asker.refresh_from_db()
        assert (request.status, request.new_manager, bank.asker.manager) == ("approved", bank.second, bank.second)
        assert AuditEvent.objects.filter(action="change_request.approved", actor=bank.decider).exists()

    def test_a_manager_outside_the_candidates_is_refused(self, bank, signed_in):
        request = ChangeRequestFactory(customer=bank.asker)
        url = reverse("console:change_request", args=[request.pk])

        response = signed_in(bank.decider).post(url, {"decision": "approve", "manager": bank.full.pk})

        assert response.status_code == 200 and response.context["approve"].errors["manager"]
        request.refresh_from_db()
        assert request.status == RequestStatus.OPEN

    def test_an_admin_declines_with_a_reply_on_the_page(self, bank, signed_in):
        request = ChangeRequestFactory(customer=bank.asker)
        url = reverse("console:change_request", args=[request.pk])
        client = signed_in(bank.decider)

        assert client.post(url, {"decision": "decline", "reply": ""}).context["decline"].errors["reply"]
        client.post(url, {"decision": "decline", "reply": "先和经理沟通"})

        request.refresh_from_db()
        assert (request.status, request.reply) == ("declined", "先和经理沟通")
        assert "先和经理沟通" in client.get(url).content.decode()

    @pytest.mark.parametrize("name", ["console:change_requests", "console:dashboard"])
    def test_managers_and_customers_are_refused(self, bank, signed_in, name):
        assert signed_in(bank.current.user).get(reverse(name)).status_code == 403
        assert signed_in(bank.asker.user).get(reverse(name)).status_code == 403

    def test_the_queue_in_bounded_queries(self, bank, signed_in, django_assert_max_num_queries):
        for customer in (bank.asker, bank.other):
            ChangeRequestFactory(customer=customer)
        client = signed_in(bank.decider)

        with django_assert_max_num_queries(8):
            client.get(reverse("console:change_requests"))
