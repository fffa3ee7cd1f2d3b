package io.connscope.agent.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.compression.HuffmanEncoder;
import org.eclipse.jetty.http2.hpack.HpackEncoder;
import org.junit.jupiter.api.Test;

/**
 * HpackDecoder against RFC 7541's own examples and against Jetty's encoder (an independent
 * implementation: Huffman coding, incremental indexing, eviction), across many blocks, so that
 * a dynamic table out of step shows as a wrong value or a failure.
 */
class HpackDecoderProperties {

    private static byte[] hex(String s) {
        s = s.replace(" ", "");
        byte[] b = new byte[s.length() / 2];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) Integer.parseInt(s.substring(2 * i, 2 * i + 2), 16);
        }
        return b;
    }

    @Test
    void decodesTheRequestExamplesOfRfc7541AppendixC4() {
        HpackDecoder d = new HpackDecoder(AnalysisMemory.unlimited().lease());
        byte[] first = hex("8286 8441 8cf1 e3c2 e5f2 3a6b a0ab 90f4 ff");
        HpackDecoder.Fields f = d.decode(first, 0, first.length);
        assertThat(f.method).isEqualTo("GET");
        assertThat(f.path).isEqualTo("/");
        assertThat(f.authority).isEqualTo("www.example.com");
        assertThat(d.dynamicEntries()).isEqualTo(1);
        byte[] second = hex("8286 84be 5886 a8eb 1064 9cbf");
        f = d.decode(second, 0, second.length);
        assertThat(f.authority).as("from the dynamic table").isEqualTo("www.example.com");
        assertThat(d.dynamicEntries()).isEqualTo(2);
        byte[] third = hex("8287 85bf 4088 25a8 49e9 5ba9 7d7f 8925 a849 e95b b8e8 b4bf");
        f = d.decode(third, 0, third.length);
        assertThat(f.path).isEqualTo("/index.html");
        assertThat(f.authority).isEqualTo("www.example.com");
        assertThat(d.dynamicEntries()).isEqualTo(3);
        assertThat(d.failure()).isNull();
    }

    @Test
    void rejectsBadInputForGoodAndStopsDecoding() {
        HpackDecoder d = new HpackDecoder(AnalysisMemory.unlimited().lease());
        byte[] beyondTable = {(byte) 0xBE}; // index 62, but the dynamic table is empty
        assertThat(d.decode(beyondTable, 0, 1)).isNull();
        assertThat(d.failure()).contains("beyond the dynamic table");
        byte[] fine = {(byte) 0x82};
        assertThat(d.decode(fine, 0, 1)).as("out of step for good").isNull();

        HpackDecoder eos = new HpackDecoder(AnalysisMemory.unlimited().lease());
        byte[] badHuffman = {0x04, (byte) 0x81, (byte) 0xFF}; // :path, Huffman, a byte of EOS prefix and 1 bits
        assertThat(eos.decode(badHuffman, 0, badHuffman.length)).isNull();
        HpackDecoder big = new HpackDecoder(AnalysisMemory.unlimited().lease());
        byte[] hugeTable = {0x3F, (byte) 0xE1, (byte) 0xFF, 0x04}; // a size update to 81,920 bytes
        assertThat(big.decode(hugeTable, 0, hugeTable.length)).isNull();
        assertThat(big.failure()).contains("over connscope's limit");
        HpackDecoder cut = new HpackDecoder(AnalysisMemory.unlimited().lease());
        byte[] cutString = {0x04, 0x05, 'a'};
        assertThat(cut.decode(cutString, 0, cutString.length)).isNull();
    }

    @Property(tries = 300)
    void huffmanDecodesWhatJettyEncodes(@ForAll @Size(max = 200) List<@net.jqwik.api.constraints.CharRange(from = 0, to = 255) Character> chars) {
        StringBuilder s = new StringBuilder();
        chars.forEach(s::append);
        ByteBuffer b = ByteBuffer.allocate(chars.size() * 4 + 8);
        HuffmanEncoder.encode(b, s.toString());
        char[] out = new char[b.position() * 8 / 5 + 1];
        int n = Huffman.decode(b.array(), 0, b.position(), out);
        assertThat(new String(out, 0, Math.max(n, 0))).isEqualTo(s.toString());
    }

    @Property(tries = 200)
    void keepsItsDynamicTableInStepWithJettysEncoder(@ForAll("blocks") List<List<String[]>> blocks) throws Exception {
        HpackEncoder encoder = new HpackEncoder();
        HpackDecoder decoder = new HpackDecoder(AnalysisMemory.unlimited().lease());
        for (List<String[]> block : blocks) {
            ByteBuffer b = ByteBuffer.allocate(64 * 1024);
            String path = null;
            String status = null;
            for (String[] field : block) {
                encoder.encode(b, new HttpField(field[0], field[1]));
                if (field[0].equals(":path")) {
                    path = field[1];
                } else if (field[0].equals(":status")) {
                    status = field[1];
                }
            }
            HpackDecoder.Fields f = decoder.decode(b.array(), 0, b.position());
            assertThat(decoder.failure()).isNull();
            assertThat(f.path).isEqualTo(path);
            assertThat(f.status).isEqualTo(status == null ? 0 : Integer.parseInt(status));
        }
    }

    @Provide
    Arbitrary<List<List<String[]>>> blocks() {
        // Few distinct values, so that later blocks refer to entries earlier ones added; long ones, so the
        // 4,096-byte table fills and evicts.
        Arbitrary<String> value = Arbitraries.oneOf(
            Arbitraries.strings().withCharRange(' ', '~').ofMinLength(1).ofMaxLength(300),
            Arbitraries.of("/", "/index.html", "/orders", "/a/b?c=d", "gzip, deflate"));
        Arbitrary<String[]> noise = Combinators.combine(Arbitraries.of("user-agent", "x-request-id", "cookie",
            "accept-encoding", "x-custom", "authorization"), value).as((n, v) -> new String[] {n, v});
        Arbitrary<String[]> path = value.map(v -> new String[] {":path", v});
        Arbitrary<String[]> status = Arbitraries.of("200", "204", "302", "404", "503").map(v -> new String[] {":status", v});
        Arbitrary<List<String[]>> block = Combinators.combine(noise.list().ofMaxSize(8), path, status,
            noise.list().ofMaxSize(3)).as((before, p, s, after) -> {
                List<String[]> fields = new ArrayList<>(before);
                fields.add(p);
                fields.add(s);
                fields.addAll(after);
                return fields;
            });
        return block.list().ofMinSize(1).ofMaxSize(30);
    }
}
