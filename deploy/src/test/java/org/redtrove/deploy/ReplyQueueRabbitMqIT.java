package org.redtrove.deploy;

import org.redtrove.embedded.LocalService;
import org.redtrove.embedded.RequiresLocalServices;

/** The reply queue contract on a separate RabbitMQ, the production broker. */
@RequiresLocalServices(LocalService.RABBITMQ)
class ReplyQueueRabbitMqIT extends ReplyQueueContract {

    @Override
    String brokerUrl() {
        return "amqp://guest:guest@" + LocalService.RABBITMQ.address();
    }
}
