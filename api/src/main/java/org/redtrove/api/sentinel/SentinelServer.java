package org.redtrove.api.sentinel;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.redis.ArrayRedisMessage;
import io.netty.handler.codec.redis.FullBulkStringRedisMessage;
import io.netty.handler.codec.redis.InlineCommandRedisMessage;
import io.netty.handler.codec.redis.RedisArrayAggregator;
import io.netty.handler.codec.redis.RedisBulkStringAggregator;
import io.netty.handler.codec.redis.RedisDecoder;
import io.netty.handler.codec.redis.RedisMessage;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * The RESP listener of the endpoint: Netty decodes requests (codec-redis, inline commands too),
 * {@link SentinelSession} answers them, {@link Resp} writes RESP2 or RESP3. Events reach every
 * connection that authenticated with their set's password and subscribed to them.
 */
final class SentinelServer implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(SentinelServer.class);
    /** Sentinel's commands are a few words; more than this unanswered is not a Sentinel client. */
    private static final int MAX_PENDING_BYTES = 64 * 1024;
    private static final int MAX_CONNECTIONS = 10_000;

    private final String bindAddress;
    private final int requestedPort;
    private final SentinelSession.Context context;
    private final Set<SentinelSession> sessions = ConcurrentHashMap.newKeySet();
    private final AtomicLong ids = new AtomicLong();
    private EventLoopGroup group;
    private Channel server;
    private volatile int port = -1;

    SentinelServer(String bindAddress, int port, SentinelSession.Context context) {
        this.bindAddress = bindAddress;
        this.requestedPort = port;
        this.context = context;
    }

    /** The port it listens on, once started. */
    int port() {
        return port;
    }

    /** Delivers an event of {@code setId} to the connections that may see it. */
    void publish(UUID setId, String channel, String message) {
        for (SentinelSession session : sessions) {
            session.deliver(setId, channel, message);
        }
    }

    @Override
    public void start() {
        group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        ServerBootstrap bootstrap = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        PendingBytes pending = new PendingBytes();
                        channel.pipeline().addLast(pending, new RedisDecoder(true), new RedisBulkStringAggregator(),
                                new RedisArrayAggregator(), new Handler(pending));
                    }
                });
        try {
            server = bootstrap.bind(bindAddress, requestedPort).sync().channel();
        } catch (Exception e) {
            group.shutdownGracefully();
            throw new IllegalStateException("The Sentinel endpoint cannot listen on " + bindAddress + ":"
                    + requestedPort + " (redtrove.sentinel.port): " + e.getMessage(), e);
        }
        port = ((InetSocketAddress) server.localAddress()).getPort();
        log.info("Sentinel endpoint listening on {}:{}", bindAddress, port);
    }

    @Override
    public void stop() {
        if (server != null) {
            server.close().syncUninterruptibly();
            server = null;
        }
        if (group != null) {
            group.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
            group = null;
        }
    }

    @Override
    public boolean isRunning() {
        return server != null;
    }

    /** Counts bytes read since the last whole command, and closes a connection that sends too many. */
    private static final class PendingBytes extends ChannelInboundHandlerAdapter {

        private int pending;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof ByteBuf buf) {
                pending += buf.readableBytes();
                if (pending > MAX_PENDING_BYTES) {
                    buf.release();
                    ctx.close();
                    return;
                }
            }
            ctx.fireChannelRead(msg);
        }

        void commandRead() {
            pending = 0;
        }
    }

    private final class Handler extends SimpleChannelInboundHandler<RedisMessage> {

        private final PendingBytes pending;
        private SentinelSession session;
        private ChannelHandlerContext ctx;

        Handler(PendingBytes pending) {
            this.pending = pending;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            this.ctx = ctx;
            if (sessions.size() >= MAX_CONNECTIONS) {
                ctx.close();
                return;
            }
            String remote = ctx.channel().remoteAddress() instanceof InetSocketAddress a
                    ? a.getAddress().getHostAddress() : String.valueOf(ctx.channel().remoteAddress());
            session = new SentinelSession(context, new SentinelSession.Connection() {
                @Override
                public void send(Resp reply) {
                    ByteBuf out = ctx.alloc().buffer();
                    Resp.write(reply, session.protocol(), out);
                    if (ctx.executor().inEventLoop()) {
                        ctx.write(out); // a command's reply: flushed when the batch read is done
                    } else {
                        ctx.writeAndFlush(out);
                    }
                }

                @Override
                public void close() {
                    ctx.flush();
                    ctx.close();
                }

                @Override
                public String remoteAddress() {
                    return remote;
                }
            }, ids.incrementAndGet());
            sessions.add(session);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (session != null) {
                sessions.remove(session);
            }
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, RedisMessage message) {
            pending.commandRead();
            List<String> args = arguments(message);
            if (args == null) {
                session.refuse("ERR Protocol error: expected an array of bulk strings");
                ctx.flush();
                ctx.close();
                return;
            }
            session.handle(args);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // A protocol error from the decoder, or a connection reset: either way this client is done.
            log.debug("Sentinel endpoint: closing a connection: {}", cause.toString());
            ctx.close();
        }
    }

    /** The words of a command, or null when the message is not one. */
    private static List<String> arguments(RedisMessage message) {
        if (message instanceof InlineCommandRedisMessage inline) {
            return Arrays.stream(inline.content().trim().split("\\s+")).filter(s -> !s.isEmpty()).toList();
        }
        if (message instanceof ArrayRedisMessage array) {
            List<String> args = new ArrayList<>(array.children().size());
            for (RedisMessage child : array.children()) {
                if (!(child instanceof FullBulkStringRedisMessage bulk) || bulk.isNull()) {
                    return null;
                }
                args.add(bulk.content().toString(StandardCharsets.UTF_8));
            }
            return args;
        }
        return null;
    }
}
