print("ces-audit")
