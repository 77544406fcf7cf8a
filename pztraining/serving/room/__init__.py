"""The room server: participants' phones and facilitators' tablets on the room's network.

Phones get a small HTML page and JSON endpoints served by handlers of this server process
(no kernel per phone); facilitators' tablets get the Rollenspel Voila page of one meeting,
behind a per-meeting facilitator code. See :mod:`pztraining.serving.room.app`.
"""
