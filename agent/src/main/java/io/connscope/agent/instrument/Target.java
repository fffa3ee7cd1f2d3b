package io.connscope.agent.instrument;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.matcher.ElementMatcher;

/** One class and the advice for its methods. */
final class Target {
    final String className;
    /** The list of advice this one was made from, for a library class; else null. */
    final Target template;
    final List<Class<?>> adviceClasses = new ArrayList<>();
    final List<ElementMatcher<? super MethodDescription>> matchers = new ArrayList<>();
    final List<Boolean> required = new ArrayList<>();
    final Set<Integer> matched = ConcurrentHashMap.newKeySet();

    Target(String className) {
        this(className, null);
    }

    private Target(String className, Target template) {
        this.className = className;
        this.template = template;
    }

    /** The same advice, for one class that matched this list. */
    Target forClass(String name) {
        Target t = new Target(name, this);
        t.adviceClasses.addAll(adviceClasses);
        t.matchers.addAll(matchers);
        t.required.addAll(required);
        return t;
    }

    Target advice(Class<?> adviceClass, ElementMatcher<? super MethodDescription> methods) {
        return add(adviceClass, methods, true);
    }

    /** Advice for a method that only some supported JDKs have. */
    Target optionalAdvice(Class<?> adviceClass, ElementMatcher<? super MethodDescription> methods) {
        return add(adviceClass, methods, false);
    }

    Target add(Class<?> adviceClass, ElementMatcher<? super MethodDescription> methods, boolean mustExist) {
        adviceClasses.add(adviceClass);
        matchers.add(methods);
        required.add(mustExist);
        return this;
    }

    DynamicType.Builder<?> apply(DynamicType.Builder<?> builder, TypeDescription type) {
        for (int i = 0; i < adviceClasses.size(); i++) {
            if (!type.getDeclaredMethods().filter(matchers.get(i)).isEmpty()) {
                matched.add(i);
            }
            AsmVisitorWrapper visitor = Advice.to(adviceClasses.get(i)).on(matchers.get(i));
            builder = builder.visit(visitor);
        }
        return builder;
    }

    List<String> missingMethods() {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < adviceClasses.size(); i++) {
            if (required.get(i) && !matched.contains(i) && !matched.isEmpty()) {
                out.add(className + " (" + adviceClasses.get(i).getSimpleName() + ")");
            }
        }
        return out;
    }
}
