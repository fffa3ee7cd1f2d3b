package io.connscope.agent.http;

import static io.connscope.agent.testing.Generators.listOf;
import static io.connscope.agent.testing.Generators.oneOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.strings;

import io.connscope.agent.wire.AnalysisMemory;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.compression.HuffmanEncoder;
import org.eclipse.jetty.http2.hpack.HpackEncoder;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

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

    @Test
    void huffmanDecodesWhatJettyEncodes() {
        qt().withExamples(300).forAll(strings().betweenCodePoints(0, 255).ofLengthBetween(0, 200)).checkAssert(s -> {
            ByteBuffer b = ByteBuffer.allocate(s.length() * 4 + 8);
            HuffmanEncoder.encode(b, s);
            char[] out = new char[b.position() * 8 / 5 + 1];
            int n = Huffman.decode(b.array(), 0, b.position(), out);
            assertThat(new String(out, 0, Math.max(n, 0))).isEqualTo(s);
        });
    }

    @Test
    void keepsItsDynamicTableInStepWithJettysEncoder() {
        qt().withExamples(200).forAll(blocks()).checkAssert(HpackDecoderProperties::keepsItsDynamicTableInStep);
    }

    private static void keepsItsDynamicTableInStep(List<List<String[]>> blocks) {
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

    private static Gen<List<List<String[]>>> blocks() {
        // Few distinct values, so that later blocks refer to entries earlier ones added; long ones, so the
        // 4,096-byte table fills and evicts.
        Gen<String> value = Generate.oneOf(strings().betweenCodePoints(' ', '~').ofLengthBetween(1, 300),
            oneOf("/", "/index.html", "/orders", "/a/b?c=d", "gzip, deflate"));
        Gen<String[]> noise = oneOf("user-agent", "x-request-id", "cookie", "accept-encoding", "x-custom", "authorization")
            .zip(value, (n, v) -> new String[] {n, v});
        Gen<String[]> path = value.map(v -> new String[] {":path", v});
        Gen<String[]> status = oneOf("200", "204", "302", "404", "503").map(v -> new String[] {":status", v});
        Gen<List<String[]>> block = listOf(noise, 0, 8).zip(path, status, listOf(noise, 0, 3), (before, p, s, after) -> {
            List<String[]> fields = new ArrayList<>(before);
            fields.add(p);
            fields.add(s);
            fields.addAll(after);
            return fields;
        });
        return listOf(block, 1, 30);
    }
}
