"""The draaiboek's press button: every press reports the version the browser showed."""

from pztraining.ui.press_button import PressButton


def test_a_press_reports_the_version_the_browser_sent_not_the_kernels_latest():
    pressed = []
    button = PressButton("next", "Volgende blok")
    button.on_press(pressed.append)
    button.version = 4
    button._message(button, {"type": "press", "version": 3}, [])  # sent before version 4 arrived
    button.click()
    assert pressed == [3, 4]


def test_a_disabled_button_or_a_malformed_message_presses_nothing():
    pressed = []
    button = PressButton("skip", "Sla volgende blok over")
    button.on_press(pressed.append)
    button._message(button, {"type": "press", "version": "3"}, [])
    button._message(button, {"type": "press"}, [])
    button.disabled = True
    button.click()
    assert pressed == []
