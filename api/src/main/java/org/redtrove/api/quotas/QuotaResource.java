package org.redtrove.api.quotas;

/**
 * What a project's quota limits, by the names Trove's quota API and limits view use. Replicas
 * count as instances too; ram is the flavors' memory in MB; volumes are the GB of the volume sizes
 * instances were created with (one created without a volume counts none, as a Trove instance on
 * local storage uses no Cinder quota); backups are the project's backups that are not deleted (a
 * failed one included, as in Trove, until it is deleted).
 */
public enum QuotaResource {
    BACKUPS("backups"), INSTANCES("instances"), RAM("ram"), REPLICAS("replicas"), VOLUMES("volumes");

    private final String wireName;

    QuotaResource(String wireName) {
        this.wireName = wireName;
    }

    /** The name in request and response bodies ("instances"), in Trove's sorted order of the constants. */
    public String wireName() {
        return wireName;
    }

    public static QuotaResource ofWireName(String name) {
        for (QuotaResource r : values()) {
            if (r.wireName.equals(name)) {
                return r;
            }
        }
        return null;
    }
}
