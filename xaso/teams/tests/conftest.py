from xaso.census.tests.conftest import an_vien_villages, ap1_team, census_catalog, census_catalog_path, team_user

__all__ = ["an_vien_villages", "ap1_team", "census_catalog", "census_catalog_path", "team_user"]
