package io.connscope.agent.http;

/**
 * The HPACK Huffman code (RFC 7541 Appendix B), for decoding only. The code is canonical: codes of
 * one length are consecutive and ordered by symbol, and each length's first code follows the
 * previous length's last. So the code length of each of the 257 symbols (256 octets and EOS)
 * determines it; the decoding tree is built from them once.
 */
final class Huffman {

    /** Code length of symbol s is {@code LENGTHS.charAt(s) - 'A' + 5}: 5 to 30 bits. */
    private static final String LENGTHS = "ISXXXXXXXTZXXZXXXXXXXXZXXXXXXXXXBFFHIBDGFFDGDBBBAAABBBBBBBCDKBHFIBCCCCCCCCCCCCCC"
        + "CCCCCCCCDCDIOIJBKABABABBBACCBBBABCBAABCCCCCKGJIXPRPPRRRSRSSSSSTSTTRSTSSSSQRSRSSTRQPRRSSQSRRTQRSSQQRQSRSSPRR"
        + "RSRRSVVPORSRUVVVWWVTUOQVWWVWTQQVVXWWWPTPQRQQSRRUUTTVSVWVVWWWWWXWWWWWVZ";
    static final int EOS = 256;

    /**
     * The decoding tree: node n's children are {@code TREE[2n]} (bit 0) and {@code TREE[2n + 1]}
     * (bit 1); a child below 0 is the leaf of symbol {@code -child - 1}, 0 is no code.
     */
    private static final int[] TREE = buildTree();

    private Huffman() {
    }

    static int length(int symbol) {
        return LENGTHS.charAt(symbol) - 'A' + 5;
    }

    /** The code of each symbol, right-aligned, assigned canonically. */
    static int[] codes() {
        int[] codes = new int[257];
        int code = 0;
        int previousLength = 0;
        for (int length = 5; length <= 30; length++) {
            for (int s = 0; s <= EOS; s++) {
                if (length(s) == length) {
                    code <<= length - previousLength;
                    previousLength = length;
                    codes[s] = code++;
                }
            }
        }
        return codes;
    }

    private static int[] buildTree() {
        int[] codes = codes();
        int[] tree = new int[2 * 2 * 257];
        int nodes = 1;
        for (int s = 0; s <= EOS; s++) {
            int node = 0;
            for (int bit = length(s) - 1; bit > 0; bit--) {
                int slot = 2 * node + (codes[s] >>> bit & 1);
                if (tree[slot] == 0) {
                    tree[slot] = nodes++;
                }
                node = tree[slot];
            }
            tree[2 * node + (codes[s] & 1)] = -s - 1;
        }
        return tree;
    }

    /**
     * Decodes {@code len} bytes at {@code b[off]} into {@code out} (which has room for {@code len * 8 / 5}
     * characters); returns how many, or -1 when the bytes are not a valid Huffman string (EOS inside,
     * or padding that is longer than 7 bits or not all ones).
     */
    static int decode(byte[] b, int off, int len, char[] out) {
        int node = 0;
        int n = 0;
        int bitsSinceSymbol = 0;
        boolean allOnes = true;
        for (int i = off; i < off + len; i++) {
            for (int bit = 7; bit >= 0; bit--) {
                int one = b[i] >>> bit & 1;
                int next = TREE[2 * node + one];
                bitsSinceSymbol++;
                allOnes &= one == 1;
                if (next < 0) {
                    int symbol = -next - 1;
                    if (symbol == EOS) {
                        return -1;
                    }
                    out[n++] = (char) symbol;
                    node = 0;
                    bitsSinceSymbol = 0;
                    allOnes = true;
                } else if (next == 0) {
                    return -1;
                } else {
                    node = next;
                }
            }
        }
        return bitsSinceSymbol <= 7 && allOnes ? n : -1;
    }
}
