package org.redtrove.api.sentinel;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import org.junit.jupiter.api.Test;

/** The bytes clients parse, as the real Sentinel 7.0 sends them (sentinel-clients.md 1.3). */
class RespTest {

    @Test
    void aMasterEntryIsAFlatArrayInResp2AndAMapInResp3WithEveryValueABulkString() {
        LinkedHashMap<String, String> fields = new LinkedHashMap<>();
        fields.put("name", "orders");
        fields.put("port", "6379");
        Resp entry = Resp.fields(fields);
        assertThat(bytes(entry, 2)).isEqualTo("*4\r\n$4\r\nname\r\n$6\r\norders\r\n$4\r\nport\r\n$4\r\n6379\r\n");
        assertThat(bytes(entry, 3)).isEqualTo("%2\r\n$4\r\nname\r\n$6\r\norders\r\n$4\r\nport\r\n$4\r\n6379\r\n");
    }

    @Test
    void anUnknownMasterIsANullArrayInResp2AndANullInResp3() {
        assertThat(bytes(Resp.NULL, 2)).isEqualTo("*-1\r\n");
        assertThat(bytes(Resp.NULL, 3)).isEqualTo("_\r\n");
    }

    @Test
    void aMessageIsAnArrayInResp2AndAPushInResp3() {
        Resp message = Resp.push(Resp.bulk("message"), Resp.bulk("+switch-master"), Resp.bulk("s 1 2 3 4"));
        assertThat(bytes(message, 2)).startsWith("*3\r\n$7\r\nmessage\r\n");
        assertThat(bytes(message, 3)).startsWith(">3\r\n$7\r\nmessage\r\n");
    }

    @Test
    void anErrorNeverCarriesALineBreak() {
        assertThat(bytes(Resp.error("ERR a\r\nb"), 2)).isEqualTo("-ERR a  b\r\n");
        assertThat(bytes(Resp.bulk(null), 2)).isEqualTo("$-1\r\n");
    }

    private static String bytes(Resp reply, int protocol) {
        ByteBuf out = Unpooled.buffer();
        Resp.write(reply, protocol, out);
        return out.toString(StandardCharsets.UTF_8);
    }
}
