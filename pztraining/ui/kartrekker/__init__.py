"""The kartrekker's page: one view per tab (conditions, costs, planning, borging)."""

from pztraining.ui.kartrekker.app import KartrekkerApp, kartrekker_app

__all__ = ["KartrekkerApp", "kartrekker_app"]
