// Shared by bar.frag.glsl and barbg.frag.glsl: the bars' layout and rounded boxes.
const float N = 10.0;
const float BASE = 0.22;      // baseline height (fraction of screen height)
const float MAXLEN = 0.66;    // length of a bar at value 1
const float FILL = 0.64;      // bar width / slot width
const float REACH = 0.12;     // beyond this distance a bar's glow is under 1/255: nothing to draw

float roundedBox(vec2 p, vec2 half_, float r) {
    vec2 q = abs(p) - half_ + r;
    return length(max(q, 0.0)) + min(max(q.x, q.y), 0.0) - r;
}

// Where the 10 slots lie across a panel `aspect` screen heights wide.
void slots(float aspect, out float x0, out float slot) {
    float width = min(aspect * 0.86, 1.6);
    slot = width / N;
    x0 = 0.5 * (aspect - width);
}
