import time
from tests.browser.test_facilitator_timer import *

def test_debug(page, served, browser):
    label = add_training(served, "dbg")
    open_facilitator(page, served, label)
    create_group(page, "G", turn="2:00")
    started = start_turn(page, 120)
    for name in ("ctx", "reload"):
        if name == "ctx":
            ctx = browser.new_context()
            other = ctx.new_page()
            t0 = time.monotonic()
            open_facilitator(other, served, label)
        else:
            t0 = time.monotonic()
            other.reload(wait_until="domcontentloaded")
            wait_for_render(other, label)
        expect(other.locator(".pz-stop")).to_be_visible()
        print(name, "load took", time.monotonic() - t0)
        for _ in range(5):
            a = seconds_left(page); b = seconds_left(other)
            print(name, "A", a, "B", b, "truth", 120 - (time.monotonic() - started))
            time.sleep(0.5)
