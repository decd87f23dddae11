"""The classic notebook way, as a Streamlit script: the benchmark's baseline for slider latency.

Every slider move reruns the whole script, which decodes and draws with a matplotlib figure.
"""

import matplotlib.pyplot as plt
import streamlit as st
import torch

from core import zoo

model = zoo.load_model("vae", 10)
st.title("Baseline: decode and draw with matplotlib")
z = torch.tensor([[st.slider(f"z{j}", -3.0, 3.0, 0.0, 0.1, key=f"z{j}") for j in range(10)]])
with torch.no_grad():
    x_hat = model.decode(z)[0, 0].numpy()
figure, axis = plt.subplots(figsize=(3, 3))
axis.imshow(x_hat, cmap="viridis")
axis.axis("off")
st.pyplot(figure)
plt.close(figure)
