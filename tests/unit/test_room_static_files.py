"""Every file the phone page loads is in the package where the room server looks for it."""

from importlib.resources import files

from pztraining.serving.room.handlers import STATIC_FILES


def test_every_static_file_of_the_phone_page_is_in_the_package():
    missing = [
        f"{folder}/{name}"
        for name, (folder, _) in STATIC_FILES.items()
        if not files("pztraining").joinpath(folder, name).is_file()
    ]
    assert missing == []
