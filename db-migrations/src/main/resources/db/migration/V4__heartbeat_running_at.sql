-- When each instance's Redis last answered its guest. The latest heartbeat alone cannot say how
-- long a hung Redis has been silent: the eject guard needs "no answer for unhealthy-after".
alter table heartbeats add column running_at timestamptz;
update heartbeats set running_at = received_at where state = 'RUNNING';
