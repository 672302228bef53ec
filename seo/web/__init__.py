"""The web edge: public pages, appointments, the staff admin."""
