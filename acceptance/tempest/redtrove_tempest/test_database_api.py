"""Tempest API tests of the database service's flavors, limits and versions.

Debian's trove-tempest-plugin 1.5.0 ships only scenario tests (they build instances through Nova,
Neutron and Swift); the API tests of openstack/trove-tempest-plugin (api/test_flavors.py,
test_limits.py, test_versions.py) are not in it. These tests check what those do, through the
same machinery: tempest's Keystone v3 authentication and catalog, and the plugin's TroveClient
for the database endpoint. acceptance/tempest-api.sh runs them against a fresh dev mode.
"""

from oslo_serialization import jsonutils as json
from tempest import config
from tempest.lib import decorators
from tempest.lib import exceptions
import tempest.test

CONF = config.CONF


class DatabaseApiTest(tempest.test.BaseTestCase):
    credentials = ['primary']

    @classmethod
    def skip_checks(cls):
        super().skip_checks()
        if not CONF.service_available.trove:
            raise cls.skipException("the database service is not available")

    @classmethod
    def setup_clients(cls):
        super().setup_clients()
        cls.client = cls.os_primary.database.TroveClient()


class DatabaseFlavorsTest(DatabaseApiTest):

    @decorators.idempotent_id('2c9d6cd5-2c4c-4b5b-9b5e-2b8c1d5e0a01')
    def test_show_flavor(self):
        flavor = self.client.get_resource('flavors', CONF.database.flavor_id)['flavor']
        self.assertEqual(CONF.database.flavor_id, str(flavor['id']))
        for key in ('name', 'ram', 'links'):
            self.assertIn(key, flavor)

    @decorators.idempotent_id('2c9d6cd5-2c4c-4b5b-9b5e-2b8c1d5e0a02')
    def test_list_flavors_holds_the_flavor_shown(self):
        flavor = self.client.get_resource('flavors', CONF.database.flavor_id)['flavor']
        flavors = self.client.list_resources('flavors')['flavors']
        self.assertIn(flavor, flavors)

    @decorators.idempotent_id('2c9d6cd5-2c4c-4b5b-9b5e-2b8c1d5e0a03')
    def test_unknown_flavor_is_not_found(self):
        self.assertRaises(exceptions.NotFound, self.client.get_resource, 'flavors', '123456789')


class DatabaseLimitsTest(DatabaseApiTest):

    @decorators.idempotent_id('2c9d6cd5-2c4c-4b5b-9b5e-2b8c1d5e0a04')
    def test_one_absolute_limit_with_the_quotas(self):
        limits = self.client.list_resources('limits')['limits']
        absolute = [limit for limit in limits if limit['verb'] == 'ABSOLUTE']
        self.assertEqual(1, len(absolute), limits)
        for key in ('max_instances', 'max_volumes', 'max_backups', 'verb'):
            self.assertIn(key, absolute[0])

    @decorators.idempotent_id('2c9d6cd5-2c4c-4b5b-9b5e-2b8c1d5e0a05')
    def test_rate_limits_have_trove_fields(self):
        limits = self.client.list_resources('limits')['limits']
        rates = [limit for limit in limits if limit['verb'] != 'ABSOLUTE']
        self.assertNotEqual([], rates)
        for rate in rates:
            for key in ('nextAvailable', 'remaining', 'unit', 'value', 'uri', 'regex'):
                self.assertIn(key, rate)


class DatabaseVersionsTest(DatabaseApiTest):

    @decorators.idempotent_id('2c9d6cd5-2c4c-4b5b-9b5e-2b8c1d5e0a06')
    def test_one_current_version_at_the_root(self):
        # the version list is at the root of the database endpoint's host, not under /v1.0/<project>
        self.client.skip_path()
        try:
            resp, body = self.client.get('')
        finally:
            self.client.reset_path()
        self.client.expected_success(200, resp.status)
        versions = json.loads(body)['versions']
        current = [v['id'] for v in versions if v['status'] == 'CURRENT']
        self.assertEqual(['v1.0'], current)
