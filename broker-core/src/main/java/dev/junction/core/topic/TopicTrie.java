package dev.junction.core.topic;
import java.util.*;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
// TEMPORARY naive stand-in (not committed) until the real trie merges.
public final class TopicTrie<S> {
  private final List<Map.Entry<String,S>> subs = new CopyOnWriteArrayList<>();
  public TopicTrie(TopicSyntax s) {}
  public boolean subscribe(String f, S s) { var e = Map.entry(f, s); if (subs.contains(e)) return false; subs.add(e); return true; }
  public boolean unsubscribe(String f, S s) { return subs.remove(Map.entry(f, s)); }
  public void match(String topic, Consumer<? super S> v) { for (var e : subs) if (m(e.getKey().split("\\.", -1), 0, topic.split("\\.", -1), 0)) v.accept(e.getValue()); }
  private static boolean m(String[] f, int i, String[] t, int j) {
    if (i == f.length) return j == t.length;
    if (f[i].equals("#")) { for (int k = j; k <= t.length; k++) if (m(f, i + 1, t, k)) return true; return false; }
    if (j == t.length) return false;
    return (f[i].equals("*") || f[i].equals(t[j])) && m(f, i + 1, t, j + 1);
  }
  public int subscriptionCount() { return subs.size(); }
}
