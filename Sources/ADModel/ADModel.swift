public enum ADModel {}
