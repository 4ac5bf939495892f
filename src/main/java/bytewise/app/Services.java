package bytewise.app;

import java.util.HashMap;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.function.Function;

/**
 * One instance per {@link Session} of the objects several screens and the shell share (the
 * Hyperparameters view model, the training service, the dataset view model), created on first use.
 * FX thread only.
 */
final class Services {
    private static final Map<Session, Map<Class<?>, Object>> ALL = new WeakHashMap<>();

    private Services() {}

    static synchronized <T> T of(Session session, Class<T> type, Function<Session, T> factory) {
        Map<Class<?>, Object> m = ALL.computeIfAbsent(session, s -> new HashMap<>());
        Object o = m.get(type);
        if (o == null) {
            o = factory.apply(session);
            m.put(type, o);
        }
        return type.cast(o);
    }
}
