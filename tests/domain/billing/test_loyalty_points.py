"""Loyalty points end to end: earned on settling, taken back on refunds, bonuses, lapse, spend."""

from __future__ import annotations

from datetime import date, timedelta
from uuid import UUID, uuid4

import pytest
import sqlalchemy as sa

from domain.billing.money import Money
from domain.billing.settlement import record_refund_total
from domain.booking import service
from domain.crm import loyalty, redemption
from domain.crm.referrals import ReferralRefused, RefusalReason, apply_code
from domain.enums import BookingStatus, LoyaltyKind
from domain.ports.loyalty import PointsEntry
from storage.models import Client as ClientRow
from storage.models import Rating
from tests.domain.billing.conftest import Shop, checkout, hold, pay
from tests.domain.conftest import World
from tests.support.factories import make_booking


async def ledger(shop: Shop | World, client_id: UUID) -> list[PointsEntry]:
    async with shop.uows() as uow:
        return await uow.loyalty.entries(client_id)


async def balance(shop: Shop | World, client_id: UUID) -> int:
    async with shop.uows() as uow:
        return sum(b.points for b in await uow.loyalty.balances(client_id))


async def paid(shop: Shop, client_index: int = 0):  # type: ignore[no-untyped-def]
    client = shop.clients[client_index]
    held = await hold(shop, client)
    payment = await checkout(shop, held.id, client)
    return payment, await pay(shop, payment)


async def test_settled_payment_earns_points_once_even_when_delivered_twice(shop: Shop) -> None:
    payment, settled = await paid(shop)
    again = await pay(shop, payment)
    assert again.duplicate
    [entry] = await ledger(shop, shop.clients[0].id)
    assert (entry.kind, entry.points, entry.payment_id) == (LoyaltyKind.EARNED, 60, payment.id)
    assert entry.idempotency_key == f"loyalty:earn:{payment.id}"
    assert entry.expires_at == settled.payment.received_at.replace(year=2027)  # type: ignore[union-attr]


async def test_a_pending_payment_earns_nothing(shop: Shop) -> None:
    held = await hold(shop, shop.clients[0])
    await checkout(shop, held.id, shop.clients[0])
    assert await ledger(shop, shop.clients[0].id) == []


async def test_partial_refund_takes_back_its_share_and_a_repeat_takes_nothing(shop: Shop) -> None:
    payment, _ = await paid(shop)
    for total in (1500, 1500):  # the same running total twice: one refund
        await record_refund_total(
            uow=shop.uows(),
            clock=shop.clock,
            payment_id=payment.id,
            refunded_total=Money(total, "GBP"),
        )
    assert await balance(shop, shop.clients[0].id) == 45
    await record_refund_total(
        uow=shop.uows(), clock=shop.clock, payment_id=payment.id, refunded_total=Money(6000, "GBP")
    )
    entries = await ledger(shop, shop.clients[0].id)
    assert sorted((e.points, e.kind) for e in entries) == [
        (-45, LoyaltyKind.REVERSED),
        (-15, LoyaltyKind.REVERSED),
        (60, LoyaltyKind.EARNED),
    ]
    assert await balance(shop, shop.clients[0].id) == 0


async def add_points(
    world: Shop | World, client_id: UUID, reader_id: UUID, points: int, **kw
) -> None:  # type: ignore[no-untyped-def]
    now = world.clock.now()
    async with world.uows() as uow:
        await uow.loyalty.add(
            PointsEntry(
                id=uuid4(),
                client_id=client_id,
                reader_id=reader_id,
                kind=kw.pop("kind", LoyaltyKind.EARNED),
                points=points,
                idempotency_key=f"test:{uuid4()}",
                created_at=now,
                expires_at=kw.pop("expires_at", now.replace(year=now.year + 1)),
                **kw,
            )
        )
        await uow.commit()


async def test_expiry_lapses_the_unspent_rest_of_the_oldest_lot_once(shop: Shop) -> None:
    client, reader = shop.clients[0].id, shop.reader.id
    await add_points(shop, client, reader, 60)  # the old lot
    shop.clock.advance(timedelta(days=200))
    await add_points(shop, client, reader, 30)  # a newer lot
    await add_points(shop, client, reader, -70, kind=LoyaltyKind.REDEEMED, expires_at=None)
    shop.clock.advance(timedelta(days=170))  # the old lot is 370 days old, the newer 170
    first = await loyalty.expire_points(uows=shop.database.uows, clock=shop.clock)
    second = await loyalty.expire_points(uows=shop.database.uows, clock=shop.clock)
    # 70 spent: all 60 of the old lot first, then 10 of the newer; nothing of the old is left.
    assert (first, second) == (0, 0)
    assert await balance(shop, client) == 20
    shop.clock.advance(timedelta(days=200))  # now the newer lot lapses: its 20 left go
    assert await loyalty.expire_points(uows=shop.database.uows, clock=shop.clock) == 20
    assert await loyalty.expire_points(uows=shop.database.uows, clock=shop.clock) == 0
    assert await balance(shop, client) == 0
    assert [e.points for e in await ledger(shop, client) if e.kind is LoyaltyKind.EXPIRED] == [-20]


async def test_expiry_takes_the_unspent_points_of_a_lapsed_lot(shop: Shop) -> None:
    client, reader = shop.clients[0].id, shop.reader.id
    await add_points(shop, client, reader, 100)
    await add_points(shop, client, reader, -30, kind=LoyaltyKind.REDEEMED, expires_at=None)
    shop.clock.advance(timedelta(days=366))
    assert await loyalty.expire_points(uows=shop.database.uows, clock=shop.clock) == 70
    assert await loyalty.expire_points(uows=shop.database.uows, clock=shop.clock) == 0
    assert await balance(shop, client) == 0


async def test_bonuses_are_given_once_each(world: World) -> None:
    client = world.clients[0]
    start = world.clock.now() - timedelta(days=30)
    bookings = [
        make_booking(
            world.service, client, start + timedelta(days=i), status=BookingStatus.COMPLETED
        )
        for i in range(5)
    ]
    async with world.uows() as uow:
        for booking in bookings:
            await uow.bookings.add(booking)
        session = uow.session  # type: ignore[attr-defined]
        session.add(
            Rating(
                id=uuid4(),
                booking_id=bookings[0].id,
                reader_id=world.reader.id,
                client_id=client.id,
                stars=5,
                created_at=world.clock.now(),
            )
        )
        today = world.clock.now().date()
        await session.execute(
            sa.update(ClientRow)
            .where(ClientRow.id == client.id)
            .values(birthday=date(1990, today.month, today.day))
        )
        await uow.commit()
    first = await loyalty.award_bonuses(uows=world.database.uows, clock=world.clock)
    second = await loyalty.award_bonuses(uows=world.database.uows, clock=world.clock)
    assert (first, second) == (3, 0)
    reasons = sorted(e.reason or "" for e in await ledger(world, client.id))
    assert reasons == ["birthday", "fifth_session", "review"]
    assert await balance(world, client.id) == 100 + 50 + 20
    world.clock.advance(timedelta(days=365))  # next year's birthday is a new bonus
    assert await loyalty.award_bonuses(uows=world.database.uows, clock=world.clock) == 1


async def test_referral_credits_both_once_on_the_friends_first_payment(shop: Shop) -> None:
    referrer, friend = shop.clients
    await apply_code(
        uows=shop.database.uows,
        clock=shop.clock,
        client_id=friend.id,
        code=referrer.referral_code.lower(),
    )
    payment, _ = await paid(shop, client_index=1)
    await pay(shop, payment)  # the payment event delivered again
    [bonus] = [e for e in await ledger(shop, referrer.id)]
    assert (bonus.kind, bonus.points) == (LoyaltyKind.REFERRAL_BONUS, 100)
    kinds = sorted(e.kind.value for e in await ledger(shop, friend.id))
    assert kinds == ["earned", "referral_bonus"]
    async with shop.uows() as uow:
        assert await uow.loyalty.referral_count(referrer.id) == (1, 1)


@pytest.mark.parametrize(
    ("who", "code_of", "reason"),
    [
        (0, 0, RefusalReason.SELF),
        (0, 1, RefusalReason.LOOP),  # 1 was referred by 0: 0 may not use 1's code
        (1, 0, RefusalReason.ALREADY_REFERRED),
    ],
)
async def test_self_referral_loops_and_second_referrals_are_refused(
    shop: Shop, who: int, code_of: int, reason: RefusalReason
) -> None:
    first, second = shop.clients
    await apply_code(
        uows=shop.database.uows, clock=shop.clock, client_id=second.id, code=first.referral_code
    )
    with pytest.raises(ReferralRefused) as refused:
        await apply_code(
            uows=shop.database.uows,
            clock=shop.clock,
            client_id=shop.clients[who].id,
            code=shop.clients[code_of].referral_code,
        )
    assert refused.value.reason is reason
    async with shop.uows() as uow:
        assert await uow.loyalty.referral_count(first.id) == (1, 0)
        assert await uow.loyalty.referral_count(second.id) == (0, 0)
        assert await uow.loyalty.referred_by(first.id) is None


async def test_an_unknown_code_and_a_paying_client_are_refused(shop: Shop) -> None:
    with pytest.raises(ReferralRefused) as refused:
        await apply_code(
            uows=shop.database.uows, clock=shop.clock, client_id=shop.clients[0].id, code="NOPE1234"
        )
    assert refused.value.reason is RefusalReason.UNKNOWN
    await paid(shop, client_index=1)
    with pytest.raises(ReferralRefused) as refused:
        await apply_code(
            uows=shop.database.uows,
            clock=shop.clock,
            client_id=shop.clients[1].id,
            code=shop.clients[0].referral_code,
        )
    assert refused.value.reason is RefusalReason.NOT_NEW


async def confirmed(world: World) -> UUID:
    booking = make_booking(world.service, world.clients[0], world.clock.now() + timedelta(days=2))
    async with world.uows() as uow:
        await uow.bookings.add(booking)
        await uow.commit()
    return booking.id


async def test_points_take_money_off_the_next_reading_and_come_back_on_cancel(world: World) -> None:
    client = world.clients[0].id
    booking_id = await confirmed(world)
    await add_points(world, client, world.reader.id, 250)
    spent = await redemption.redeem_points(uow=world.uows(), clock=world.clock, client_id=client)
    assert (spent.points, spent.discount, spent.free_session) == (250, Money(250, "GBP"), False)
    assert spent.booking.price_minor == world.service.price_minor - 250
    with pytest.raises(redemption.NothingToRedeem):  # the same booking never takes points twice
        await redemption.redeem_points(uow=world.uows(), clock=world.clock, client_id=client)
    assert await balance(world, client) == 0
    await service.cancel_booking(
        uow=world.uows(), clock=world.clock, booking_id=booking_id, client_id=client
    )
    assert await balance(world, client) == 250


async def test_enough_points_make_the_reading_free(world: World) -> None:
    client = world.clients[0].id
    await confirmed(world)
    await add_points(world, client, world.reader.id, 620)
    spent = await redemption.redeem_points(uow=world.uows(), clock=world.clock, client_id=client)
    assert (spent.points, spent.free_session, spent.booking.price_minor) == (500, True, 0)
    assert await balance(world, client) == 120


async def test_redeeming_without_points_or_a_booking_changes_nothing(world: World) -> None:
    client = world.clients[0].id
    with pytest.raises(redemption.NothingToRedeem) as none:
        await redemption.redeem_points(uow=world.uows(), clock=world.clock, client_id=client)
    assert not none.value.has_booking
    await confirmed(world)
    with pytest.raises(redemption.NothingToRedeem) as none:
        await redemption.redeem_points(uow=world.uows(), clock=world.clock, client_id=client)
    assert none.value.has_booking
    assert await ledger(world, client) == []
